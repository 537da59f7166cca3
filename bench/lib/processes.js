'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { sleep } = require('./util');

/**
 * A platform process (API or worker) started from the compiled dist, with its output kept in a log
 * file and the last lines in memory for error messages.
 */
class Service {
  constructor(name, script, env, logDir) {
    this.name = name;
    this.script = script;
    this.env = env;
    this.logFile = path.join(logDir, `${name}.log`);
    this.tail = [];
    this.exit = null;
  }

  start() {
    if (!fs.existsSync(this.script)) throw new Error(`${this.script} is missing: build first (see bench/README in docs/performance.md)`);
    const out = fs.openSync(this.logFile, 'a');
    // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the API and the worker (flags NODE_OPTIONS refuses).
    const nodeArgs = (process.env.BENCH_NODE_ARGS || '').split(' ').filter(Boolean);
    this.child = spawn(process.execPath, [...nodeArgs, this.script], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => {
      fs.writeSync(out, chunk);
      this.tail.push(chunk.toString());
      if (this.tail.length > 200) this.tail.splice(0, this.tail.length - 200);
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      fs.closeSync(out);
    });
    return this;
  }

  get pid() {
    return this.child && this.child.pid;
  }

  get running() {
    return this.child && this.exit === null;
  }

  output() {
    return this.tail.join('');
  }

  async waitFor(check, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) while waiting for ${what}:\n${this.output().slice(-3000)}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${this.name}: ${what} not reached within ${timeoutMs} ms:\n${this.output().slice(-3000)}`);
      await sleep(100);
    }
  }

  async stop(timeoutMs = 20_000) {
    if (!this.running) return this.exit;
    const exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.child.kill('SIGTERM');
    const result = await Promise.race([exited, sleep(timeoutMs).then(() => null)]);
    if (result) return result;
    this.child.kill('SIGKILL');
    return { ...(await exited), killed: true };
  }
}

/** Samples VmRSS of the given processes every intervalMs; keeps the peak and a coarse timeline. */
class RssSampler {
  constructor(intervalMs = 200) {
    this.intervalMs = intervalMs;
    this.peaks = {};
    this.samples = {};
    this.timeline = [];
    this.services = new Map();
    this.phase = 'setup';
  }

  track(service) {
    this.services.set(service.name, service);
  }

  start() {
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  sample() {
    const point = { t: Date.now(), phase: this.phase };
    for (const [name, service] of this.services) {
      if (!service.running) continue;
      const kb = readRssKb(service.pid);
      if (kb === null) continue;
      const mb = kb / 1024;
      point[name] = Math.round(mb * 10) / 10;
      this.samples[name] = (this.samples[name] || 0) + 1;
      if (!this.peaks[name] || mb > this.peaks[name].mb) this.peaks[name] = { mb, phase: this.phase, at: new Date().toISOString() };
    }
    // every 5th sample (1 s) is enough for a timeline in results.json
    if ((this.tick = (this.tick || 0) + 1) % 5 === 0) this.timeline.push(point);
  }

  stop() {
    clearInterval(this.timer);
  }
}

function readRssKb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Runs a command to completion, collecting its output; rejects on a non-zero exit. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve({ stdout, stderr, code });
      else {
        const error = new Error(`${command} ${args.join(' ')} exited ${code}: ${(stderr || stdout).slice(-2000)}`);
        error.stdout = stdout;
        error.stderr = stderr;
        error.code = code;
        reject(error);
      }
    });
  });
}

module.exports = { Service, RssSampler, run, readRssKb };

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function pidTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** CPU time so far of the named processes, of all postgres processes, and of the whole machine. */
function cpuSnapshot(services) {
  const snapshot = { at: process.hrtime.bigint(), ticks: {}, postgres: 0, system: null };
  for (const service of services) {
    const t = service && service.running ? pidTicks(service.pid) : null;
    if (t) snapshot.ticks[service.name] = t.ticks;
  }
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const t = pidTicks(entry);
    if (t && t.comm === 'postgres') snapshot.postgres += t.ticks;
  }
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  snapshot.system = { idle: cpu[3] + cpu[4], total: cpu.reduce((a, b) => a + b, 0) };
  return snapshot;
}

/**
 * CPU used between two snapshots: per process as % of one core (200 % = both cores of a 2-CPU
 * machine), and the machine's busy share of all its cores.
 */
function cpuUsage(before, after) {
  const seconds = Number(after.at - before.at) / 1e9;
  const pct = (ticks) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 1000) / 10;
  const out = {};
  for (const name of Object.keys(after.ticks)) if (name in before.ticks) out[`${name}PercentOfCore`] = pct(after.ticks[name] - before.ticks[name]);
  out.postgresPercentOfCore = pct(after.postgres - before.postgres);
  const total = after.system.total - before.system.total;
  out.machineBusyPercent = total > 0 ? Math.round((1 - (after.system.idle - before.system.idle) / total) * 1000) / 10 : null;
  out.seconds = Math.round(seconds * 10) / 10;
  return out;
}

module.exports.cpuSnapshot = cpuSnapshot;
module.exports.cpuUsage = cpuUsage;
