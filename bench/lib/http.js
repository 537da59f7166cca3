'use strict';

/** Minimal JSON client over fetch for set-up calls and the ingestion scenario (not the load generator). */
function client(base) {
  async function call(method, path, { token, body, headers = {} } = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }

  async function must(method, path, options, expected) {
    const res = await call(method, path, options);
    const ok = Array.isArray(expected) ? expected.includes(res.status) : expected ? res.status === expected : res.status < 300;
    if (!ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 600)}`);
    return res.body;
  }

  async function login(email, password) {
    const body = await must('POST', '/v1/auth/login', { body: { email, password } }, 200);
    return { token: body.accessToken, organisationId: body.actor.organisationId, userId: body.actor.userId };
  }

  return { call, must, login, base };
}

module.exports = { client };
