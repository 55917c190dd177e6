// Apollo Client warns ("Missing field …", "Cache data may be lost …") only in development
// builds, which a bundler picks by the `development` export condition. Node picks the
// production one: this turns development on before @apollo/client is first evaluated (import
// it before @apollo/client).
globalThis.__DEV__ = true;
