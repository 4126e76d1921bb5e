import http from 'node:http';
import { ErrorCode, errorBody } from '@victori/shared';

/**
 * The overload scenario's floor: a plain node:http server that reads each request and answers it with the
 * gateway's refusal (503 OVERLOADED, Retry-After), doing nothing else. Driven at the same offered rate as
 * the gateway, it shows how fast this machine can refuse at all, with the load process sharing its cores.
 */
const body = JSON.stringify(
  errorBody(
    ErrorCode.OVERLOADED,
    'Layanan sedang sibuk; silakan coba lagi dalam 1 detik',
    'The service is busy; please try again in 1 second',
  ),
);
const length = String(Buffer.byteLength(body));
const port = Number(process.argv[2]);

http
  .createServer((req, res) => {
    if (req.url === '/health') {
      res.end('ok');
      return;
    }
    req.on('data', () => undefined);
    req.once('end', () => {
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': length, 'retry-after': '1' });
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1');
