/** Injection token for the validated `CapstanConfig`. */
export const CAPSTAN_CONFIG = Symbol('CAPSTAN_CONFIG');
