// @pathcheck/shc-sdk ships no types; the test uses these two functions.
declare module '@pathcheck/shc-sdk/lib/main.js' {
  export function unpack(uri: string): Promise<string>;
  export function unpackAndVerify(
    uri: string,
    keys?: Record<string, { keys: unknown[] }>,
  ): Promise<{ credential: { iss: string; vc: { credentialSubject: { fhirBundle: Record<string, unknown> } } } } | undefined>;
}
declare module '@asymmetrik/fhir-json-schema-validator' {
  export default class JSONSchemaValidator {
    constructor(schema?: unknown, ajvSettings?: unknown);
    validate(resource: unknown, verbose?: boolean): unknown[];
  }
}
