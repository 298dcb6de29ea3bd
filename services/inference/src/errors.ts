/** One error hierarchy for the inference service. */

export class InferenceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request that cannot be served as asked: answered with a 4xx naming the field. */
export class BadRequest extends InferenceError {
  /** The row of a multi-row request the error is about (set by `Recommender.recommendAll`). */
  row?: number;

  constructor(
    message: string,
    readonly field: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class ConfigError extends InferenceError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config ${key}: ${message}`);
  }
}

/** Registry problems: the version already serving stays up when any of these is thrown. */
export class ModelRegistryError extends InferenceError {}

export class ModelNotFound extends ModelRegistryError {}

/** Stored bytes do not match the manifest (tampering or corruption). */
export class ModelIntegrityError extends ModelRegistryError {
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
    what = 'sha256',
  ) {
    super(`${file}: ${what} mismatch (manifest says ${expected}, file has ${actual})`);
  }
}

/** The manifest's ed25519 signature does not verify with the trusted public key. */
export class ModelSignatureError extends ModelRegistryError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: signature check failed (${detail})`);
  }
}

/** Encrypted model that cannot be decrypted (wrong key, or ciphertext altered). */
export class ModelDecryptError extends ModelRegistryError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: could not decrypt (${detail})`);
  }
}

export class ModelUnavailable extends InferenceError {}
