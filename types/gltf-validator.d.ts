declare module 'gltf-validator' {
  interface ValidationReport {
    issues: {
      numErrors: number;
      numWarnings: number;
      numInfos: number;
      numHints: number;
      messages: Array<{ code: string; message: string; severity: number; pointer?: string }>;
    };
  }
  const validator: { validateBytes(data: Uint8Array, options?: { uri?: string }): Promise<ValidationReport> };
  export default validator;
}
