import QRCode from 'qrcode';

/** The card's QR as SVG: `shc:/` in byte mode, the digits in numeric mode, error correction L (one code). */
export function healthCardSvg(qr: string): Promise<string> {
  return QRCode.toString(
    [
      { data: new TextEncoder().encode('shc:/'), mode: 'byte' },
      { data: qr.slice(5), mode: 'numeric' },
    ],
    { type: 'svg', errorCorrectionLevel: 'L', margin: 4 },
  );
}
