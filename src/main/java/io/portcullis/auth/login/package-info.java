/**
 * Checking who is logging in: {@link io.portcullis.auth.login.PasswordHasher} (Argon2id, PHC strings),
 * the {@link io.portcullis.auth.login.Credentials} port with the bootstrap administrator's
 * implementation, and {@link io.portcullis.auth.login.LoginThrottle} against password guessing.
 */
package io.portcullis.auth.login;
