export * from './organisation.entity';
export * from './user.entity';
export * from './role';
export * from './actor';
export * from './password-hasher';
export * from './auth.service';
export * from './organisations.service';
export * from './identity.module';
