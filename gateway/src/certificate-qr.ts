import QRCode from 'qrcode';

/**
 * A SMART Health Card QR: the `shc:/` prefix in byte mode, the digits in numeric mode (3⅓ bits a digit),
 * at error correction L, as the specification asks; one code, never chunks.
 */
export function healthCardQr(qr: string): { version: number; size: number; dark(row: number, col: number): boolean } {
  const code = QRCode.create(
    [
      { data: Buffer.from('shc:/'), mode: 'byte' },
      { data: qr.slice('shc:/'.length), mode: 'numeric' },
    ],
    { errorCorrectionLevel: 'L' },
  );
  return { version: code.version, size: code.modules.size, dark: (row, col) => code.modules.get(row, col) === 1 };
}
