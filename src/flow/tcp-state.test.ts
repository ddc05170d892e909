import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connState, TcpEvent } from './tcp-state.js';

const { Syn, SynAck, Ack, Data, Fin, Rst } = TcpEvent;

test("Zeek's connection states", () => {
  assert.equal(connState(true, Syn, 0, 0), 'S0');
  assert.equal(connState(true, Syn | Ack, SynAck, 1), 'S1');
  assert.equal(connState(true, Syn | Ack | Fin, SynAck | Fin, 2), 'SF');
  assert.equal(connState(true, Syn, Rst, 1), 'REJ');
  assert.equal(connState(true, Syn | Fin, SynAck, 1), 'S2');
  assert.equal(connState(true, Syn, SynAck | Fin, 1), 'S3');
  assert.equal(connState(true, Syn | Rst, SynAck, 1), 'RSTO');
  assert.equal(connState(true, Syn | Data, SynAck | Rst, 1), 'RSTR');
  assert.equal(connState(true, Syn | Rst, 0, 0), 'RSTOS0');
  assert.equal(connState(true, 0, SynAck | Rst, 1), 'RSTRH');
  assert.equal(connState(true, Syn | Fin, 0, 0), 'SH');
  assert.equal(connState(true, 0, SynAck | Fin, 1), 'SHR');
  assert.equal(connState(true, Data, Data, 1), 'OTH');
  assert.equal(connState(false, Data, 0, 0), 'S0');
  assert.equal(connState(false, Data, Data, 3), 'SF');
});
