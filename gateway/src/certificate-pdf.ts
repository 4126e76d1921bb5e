import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { healthCardQr } from './certificate-qr.js';

/** What the PDF shows: the card as the supergraph's `healthCard` answers it (read back from the signed payload). */
export interface CardForPdf {
  id: string;
  kind: 'DOSE' | 'RECORD';
  status: string;
  issuedAt: string;
  issuer: string;
  qr: string;
  holderName: string;
  holderBirthDate: string;
  doses: {
    vaccine: string;
    manufacturer: string | null;
    lotNumber: string;
    date: string;
    doseNumber: number;
    totalDoses: number;
    centre: string;
    country: string;
    nextDose: string | null;
    declared: boolean;
  }[];
}

// The standard fonts encode WinAnsi only; anything else would make pdf-lib throw mid-document.
const winAnsi = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

const fit = (value: string, max: number): string => (value.length > max ? `${value.slice(0, max - 3)}...` : value);

/** A4, bilingual (Indonesian first, English below each label), the QR at the top right, three doses a page. */
export async function certificatePdf(card: CardForPdf): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Sertifikat Imunisasi / Immunization Certificate ${card.id}`);
  doc.setAuthor('Dinas Kesehatan Kota Semarang');
  doc.setSubject('SMART Health Card');
  doc.setCreationDate(new Date(card.issuedAt));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const grey = rgb(0.3, 0.3, 0.3);

  const text = (page: PDFPage, value: string, x: number, y: number, size = 10, font: PDFFont = regular, color = rgb(0, 0, 0)) =>
    page.drawText(winAnsi(value), { x, y, size, font, color });
  const label = (page: PDFPage, id: string, en: string, value: string, x: number, y: number) => {
    text(page, id, x, y, 8, bold, grey);
    text(page, en, x, y - 9, 7, regular, grey);
    text(page, value, x, y - 22, 11);
  };

  // Three doses fit under the QR and the holder's block; a longer record goes on to another page (with the QR again).
  const perPage = 3;
  const pages = Math.max(1, Math.ceil(card.doses.length / perPage));
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595.28, 841.89]);
    const { height } = page.getSize();
    let y = height - 60;
    text(page, card.kind === 'RECORD' ? 'Catatan Imunisasi' : 'Sertifikat Imunisasi', 40, y, 20, bold);
    text(page, card.kind === 'RECORD' ? 'Immunization Record' : 'Immunization Certificate', 40, y - 20, 13, regular, grey);
    text(page, 'Dinas Kesehatan Kota Semarang · Republik Indonesia', 40, y - 40, 9, regular, grey);
    if (card.status !== 'ACTIVE')
      text(page, `${card.status === 'REVOKED' ? 'DICABUT / REVOKED' : 'DIGANTI / REPLACED'}`, 40, y - 58, 12, bold, rgb(0.7, 0, 0));

    // The QR at most 250 pt square with its 4-module quiet zone: a four-dose record (version 22, 105 modules) gets 2.2 pt modules.
    const qr = healthCardQr(card.qr);
    const module = Math.min(2.4, 250 / (qr.size + 8));
    const qrSide = (qr.size + 8) * module;
    const qx = 595.28 - 40 - qrSide;
    const qy = height - 40 - qrSide;
    page.drawRectangle({ x: qx, y: qy, width: qrSide, height: qrSide, color: rgb(1, 1, 1) });
    for (let r = 0; r < qr.size; r++)
      for (let c = 0; c < qr.size; c++)
        if (qr.dark(r, c))
          page.drawRectangle({
            x: qx + (c + 4) * module,
            y: qy + qrSide - (r + 5) * module,
            width: module,
            height: module,
            color: rgb(0, 0, 0),
          });
    text(page, 'SMART Health Card', qx + 4 * module, qy - 10, 8, regular, grey);

    y = Math.min(y - 80, qy - 30);
    label(page, 'Nama', 'Name', card.holderName, 40, y);
    label(page, 'Tanggal lahir', 'Date of birth', card.holderBirthDate, 300, y);
    y -= 44;
    label(page, 'Nomor sertifikat', 'Certificate id', card.id, 40, y);
    y -= 44;
    label(page, 'Penerbit', 'Issuer', card.issuer, 40, y);
    label(page, 'Diterbitkan', 'Issued', card.issuedAt.slice(0, 10), 300, y);
    y -= 50;

    for (const d of card.doses.slice(p * perPage, (p + 1) * perPage)) {
      page.drawLine({ start: { x: 40, y: y + 14 }, end: { x: 555, y: y + 14 }, thickness: 0.5, color: grey });
      text(
        page,
        fit(`${d.vaccine} · dosis ${d.doseNumber} dari ${d.totalDoses} / dose ${d.doseNumber} of ${d.totalDoses}`, 60),
        40,
        y,
        12,
        bold,
      );
      if (d.declared) text(page, 'Dilaporkan, dikonfirmasi petugas / Declared, confirmed by a health worker', 40, y - 12, 8, regular, grey);
      y -= 26;
      label(page, 'Tanggal', 'Date', d.date, 40, y);
      label(page, 'Nomor batch', 'Lot', fit(d.lotNumber, 18), 140, y);
      label(page, 'Produsen', 'Manufacturer', fit(d.manufacturer ?? '-', 26), 270, y);
      label(page, 'Dosis berikutnya', 'Next dose', d.nextDose ?? '-', 440, y);
      y -= 38;
      label(page, 'Tempat imunisasi', 'Vaccination centre', fit(d.centre, 60), 40, y);
      label(page, 'Negara', 'Country', d.country === 'ID' ? 'Indonesia (ID)' : d.country, 440, y);
      y -= 48;
    }
    text(
      page,
      'Periksa keaslian dengan memindai kode QR di halaman /verify; cocokkan nama dan tanggal lahir dengan kartu identitas.',
      40,
      50,
      8,
      regular,
      grey,
    );
    text(
      page,
      'Verify by scanning the QR code at /verify; match the name and date of birth against an identity card.',
      40,
      40,
      8,
      regular,
      grey,
    );
    if (pages > 1) text(page, `${p + 1}/${pages}`, 540, 40, 8, regular, grey);
  }
  return doc.save();
}
