import { describe, expect, it } from 'vitest';
import { doorHosts, refusal, type Knock } from '../../../src/web/guard.js';

const door = { token: 'Tok3n-of-the-run', hosts: doorHosts('127.0.0.1', 7420) };
const page: Knock = { host: '127.0.0.1:7420', origin: undefined, token: 'Tok3n-of-the-run', websocket: false };

describe('the door of nslab web', () => {
  it('lets in the page: our Host, our Origin or none, the token', () => {
    expect(refusal(door, page)).toBeUndefined();
    expect(refusal(door, { ...page, origin: 'http://127.0.0.1:7420' })).toBeUndefined();
    expect(refusal(door, { ...page, host: 'localhost:7420', origin: 'http://localhost:7420', websocket: true })).toBeUndefined();
  });

  it('refuses a missing or wrong token, a token of another length included', () => {
    expect(refusal(door, { ...page, token: undefined })).toMatchObject({ status: 403, error: 'this request carries no token' });
    expect(refusal(door, { ...page, token: 'Tok3n-of-the-ruN' })).toMatchObject({ status: 403, error: 'this token is not the one nslab web printed' });
    expect(refusal(door, { ...page, token: 'short' })).toMatchObject({ status: 403 });
  });

  it('refuses another Host (DNS rebinding), another port, and no Host', () => {
    expect(refusal(door, { ...page, host: 'evil.example:7420' })).toMatchObject({ status: 421 });
    expect(refusal(door, { ...page, host: '127.0.0.1:7421' })).toMatchObject({ status: 421 });
    expect(refusal(door, { ...page, host: undefined })).toMatchObject({ status: 421, error: expect.stringContaining('named no host') });
  });

  it("refuses another site's Origin, and a websocket that names none", () => {
    expect(refusal(door, { ...page, origin: 'http://evil.example' })).toMatchObject({ status: 403 });
    expect(refusal(door, { ...page, origin: 'http://127.0.0.1:7420.evil.example' })).toMatchObject({ status: 403 });
    expect(refusal(door, { ...page, origin: 'null' })).toMatchObject({ status: 403 });
    expect(refusal(door, { ...page, websocket: true })).toMatchObject({ status: 403, error: expect.stringContaining('names no origin') });
  });

  it('answers to a bound address of its own besides loopback, and never to a wildcard', () => {
    expect(doorHosts('0.0.0.0', 80)).toEqual(['127.0.0.1:80', 'localhost:80']);
    expect(doorHosts('192.168.56.10', 80)).toEqual(['127.0.0.1:80', 'localhost:80', '192.168.56.10:80']);
    expect(doorHosts('fd00::1', 80)).toEqual(['127.0.0.1:80', 'localhost:80', '[fd00::1]:80']);
  });
});
