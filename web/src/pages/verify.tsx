import { useEffect, useRef, useState } from 'preact/hooks';
import { useClient } from '@urql/preact';
import { readCache, verifyCard, writeCache, type IssuerCache, type Verification } from '../certs/shc.js';
import { keepVerifierOffline } from '../certs/offline.js';
import { HealthCardIssuer } from '../certs/operations.js';
import { t, useLanguage } from '../ui.js';

/** Reads QR codes from the camera with jsQR (loaded only when the camera is started). */
function Camera(props: { onCode: (text: string) => void; onFail: () => void }): preact.JSX.Element {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    let stream: MediaStream | undefined;
    let frame = 0;
    let stopped = false;
    void (async () => {
      try {
        const [{ default: jsQR }, media] = await Promise.all([
          import('jsqr'),
          navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }),
        ]);
        stream = media;
        const v = video.current!;
        v.srcObject = media;
        await v.play();
        const canvas = document.createElement('canvas');
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        const tick = (): void => {
          if (stopped) return;
          if (v.videoWidth) {
            canvas.width = v.videoWidth;
            canvas.height = v.videoHeight;
            ctx.drawImage(v, 0, 0);
            const code = jsQR(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
            if (code?.data) return props.onCode(code.data);
          }
          frame = requestAnimationFrame(tick);
        };
        tick();
      } catch {
        props.onFail();
      }
    })();
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  return <video ref={video} class="camera" muted playsInline aria-hidden="true" />;
}

/** The verifier: issuer keys and revocation lists cached while online; checks run on the device, offline too. */
export function VerifyPage(): preact.JSX.Element {
  useLanguage();
  const client = useClient();
  const [cache, setCache] = useState<IssuerCache | null>(readCache());
  const [text, setText] = useState('');
  const [result, setResult] = useState<(Verification & { check: number }) | null>(null);
  const [camera, setCamera] = useState(false);
  const [cameraFailed, setCameraFailed] = useState(false);

  const refresh = async (): Promise<void> => {
    const r = await client.query(HealthCardIssuer, {}, { requestPolicy: 'network-only' }).toPromise();
    const issuer = r.data?.healthCardIssuer;
    if (!issuer) return; // Offline: keep what is cached.
    const fresh: IssuerCache = {
      issuer: issuer.issuer,
      keys: issuer.keys.map((k) => ({ kid: k.kid, kty: k.kty, crv: k.crv, x: k.x, y: k.y, exp: k.exp ?? null, crlVersion: k.crlVersion })),
      revocationLists: issuer.revocationLists.map((l) => ({ kid: l.kid, ctr: l.ctr, rids: l.rids })),
      fetchedAt: new Date().toISOString(),
    };
    writeCache(fresh);
    setCache(fresh);
  };
  useEffect(() => {
    keepVerifierOffline();
    if (navigator.onLine) void refresh().catch(() => undefined);
  }, []);

  const check = async (input: string): Promise<void> => {
    const verification = await verifyCard(input, readCache() ?? cache);
    setResult((previous) => ({ ...verification, check: (previous?.check ?? 0) + 1 }));
  };
  const ctr = cache ? Math.max(0, ...cache.revocationLists.map((l) => l.ctr)) : 0;

  return (
    <>
      <h1 tabIndex={-1}>{t('certs.verify.title')}</h1>
      <p>{t('certs.verify.intro')}</p>
      <p data-testid="issuer-cache" class="hint">
        {cache
          ? t('certs.verify.cache', { keys: cache.keys.length, ctr, at: cache.fetchedAt.slice(0, 16).replace('T', ' ') })
          : t('certs.verify.noCache')}{' '}
        <button type="button" class="link" onClick={() => void refresh().catch(() => undefined)}>
          {t('certs.verify.refresh')}
        </button>
      </p>
      <p>
        <button type="button" class="button" onClick={() => (setCameraFailed(false), setCamera(!camera))}>
          {camera ? t('certs.verify.stopCamera') : t('certs.verify.camera')}
        </button>
      </p>
      {camera ? (
        <Camera
          onCode={(code) => {
            setCamera(false);
            setText(code);
            void check(code);
          }}
          onFail={() => (setCamera(false), setCameraFailed(true))}
        />
      ) : null}
      {cameraFailed ? <p role="alert">{t('certs.verify.cameraFailed')}</p> : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void check(text);
        }}
      >
        <label for="qr-text">{t('certs.verify.paste')}</label>
        <textarea id="qr-text" rows={4} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        <button type="submit" class="button">
          {t('certs.verify.check')}
        </button>
      </form>
      {result ? (
        <section
          data-testid="verdict"
          data-status={result.status}
          data-check={result.check}
          class={`verdict verdict-${result.status === 'VALID' ? 'ok' : 'bad'}`}
          role="status"
        >
          <h2>{t(`certs.verify.status.${result.status}`)}</h2>
          {result.holder ? (
            <dl>
              <dt>{t('certs.verify.holder')}</dt>
              <dd data-testid="verdict-name">{result.holder.name}</dd>
              <dt>{t('certs.verify.birthDate')}</dt>
              <dd data-testid="verdict-birth-date">{result.holder.birthDate}</dd>
            </dl>
          ) : null}
          {result.doses?.length ? (
            <ul>
              {result.doses.map((d) => (
                <li key={`${d.vaccine}-${d.date}`}>
                  {d.date} · {d.vaccine} · {t('certs.dose', { n: d.doseNumber, total: d.totalDoses })}
                </li>
              ))}
            </ul>
          ) : null}
          {result.holder ? <p>{t('certs.verify.matchId')}</p> : null}
        </section>
      ) : null}
    </>
  );
}
