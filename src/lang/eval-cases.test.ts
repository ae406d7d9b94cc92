/**
 * The libs evaluation cases (filter-eval-cases.json) whose test event can be written down from
 * its description with the fields Vigil's test table has: the open() of /tmp/file_to_run, the
 * open() of /opt/dir/subdir/file.txt, the getcwd() entry, the IPv4 and IPv6 connect() events,
 * the reads with byte buffers, the failed epoll_create and open, and the literal-only getopt
 * cases. The mock-field cases (c.true, c.false…) are in compile.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { corpusPath, requireCorpus } from '../../test/support/corpus.js';
import { compile, ConditionCompileError, createFieldTable, parse, type FieldSpec, type FieldType, type FieldValue } from './index.js';

type Ev = Readonly<Record<string, FieldValue>>;

const field = (name: string, type: FieldType, list = false): FieldSpec<Ev> => ({ name, type, list, extract: (ev) => ev[name] });
/** `evt.arg.flags`, `evt.rawarg.res`: a field with a dotted argument, stored flat in the test event. */
const argField = (name: string, type: FieldType): FieldSpec<Ev> => ({ name, type, arg: 'required', extract: (ev, arg) => ev[`${name}.${arg ?? ''}`] });

const fields = createFieldTable<Ev>([
  field('fd.name', 'string'),
  field('fd.directory', 'string'),
  field('fd.types', 'string', true),
  field('evt.num', 'number'),
  field('evt.type', 'string'),
  field('syscall.type', 'string'),
  field('evt.source', 'string'),
  field('proc.name', 'string'),
  field('fd.ip', 'ipaddr'),
  field('fd.sip', 'ipaddr'),
  field('fd.lip', 'ipaddr'),
  field('fd.rip', 'ipaddr'),
  field('fd.cip', 'ipaddr'),
  field('fd.net', 'ipnet'),
  field('fd.num', 'number'),
  field('evt.args', 'string'),
  field('evt.cpu', 'number'),
  field('evt.buffer', 'bytes'),
  argField('evt.arg', 'string'),
  argField('evt.rawarg', 'number'),
]);

/** A connect() from the client to the server, as the libs net tests build it. */
function connect(client: string, server: string): Ev {
  return { 'fd.ip': server, 'fd.sip': server, 'fd.lip': server, 'fd.rip': client, 'fd.cip': client, 'fd.net': server, 'evt.type': 'connect' };
}

const CONNECT4 = connect('172.40.111.222', '142.251.111.147');

const OPEN_FILE_TO_RUN: Ev = { 'fd.name': '/tmp/file_to_run', 'fd.directory': '/tmp', 'fd.types': ['file'], 'evt.num': 1, 'evt.type': 'open' };

/**
 * The libs test behind this context asserts on three events in turn: the open, then a socket
 * (two fd types), then a read with a 6-byte buffer. Which one a condition was checked on shows in
 * what it reads.
 */
function openThenSocketThenRead(condition: string): Ev {
  if (condition.includes('evt.arg.data')) return { 'evt.arg.data': 'hello\n', 'evt.type': 'read' };
  if (condition.includes('fd.types) = 2')) return { ...OPEN_FILE_TO_RUN, 'fd.types': ['ipv4', 'file'] };
  return OPEN_FILE_TO_RUN;
}

const EVENTS: Readonly<Record<string, Ev | ((condition: string) => Ev)>> = {
  'real libsinsp test event: open() exit event returning fd 3 for /tmp/file_to_run (fd.name=/tmp/file_to_run, fd.directory=/tmp, fd.types=(file), evt.num=1); later assertions in the same test use a socket exit event (fd.types=(ipv4,file)) and a read exit event with a 6-byte buffer (evt.arg.data)': openThenSocketThenRead,
  'real libsinsp test event: open() exit event: fd 1, fd.name=/opt/dir/SUBDIR/file.txt, flags O_RDWR|O_CREAT (evt.arg.flags renders as O_RDWR|O_CREAT)': { 'fd.name': '/opt/dir/SUBDIR/file.txt', 'fd.num': 1, 'evt.arg.flags': 'O_RDWR|O_CREAT', 'evt.type': 'open' },
  'real libsinsp test event: read() exit event whose data buffer (evt.buffer) is the 5 bytes "hello"': { 'evt.buffer': 'hello', 'evt.type': 'read' },
  'real libsinsp test event: read() exit event whose data buffer (evt.buffer) is the 3 bytes "a", NUL, "b"': { 'evt.buffer': 'a\0b', 'evt.type': 'read' },
  'real libsinsp test event: epoll_create() exit event with res=-22 (EINVAL) (evt.rawarg.res=-22; evt.cpu is a small CPU number from the test harness, < 2)': { 'evt.rawarg.res': -22, 'evt.cpu': 1, 'evt.type': 'epoll_create' },
  'real libsinsp test event: open() exit event returning fd -1 for /tmp/the_file (fd.num=-1)': { 'fd.name': '/tmp/the_file', 'fd.num': -1, 'evt.type': 'open' },
  'real libsinsp test event: connect() exit event, client 172.40.111.222:54321 -> server 142.251.111.147:443 (test asserts fd.sip=fd.lip=142.251.111.147, fd.rip=fd.cip=172.40.111.222)': CONNECT4,
  'real libsinsp test event: connect() exit event, client 172.40.111.222:54321 -> server 142.251.111.147:443': CONNECT4,
  'real libsinsp test event: connect() exit event, client [::1]:54321 -> server [2001:4860:4860::8888]:443 (test asserts fd.sip=fd.lip=2001:4860:4860::8888, fd.rip=fd.cip=::1)': connect('::1', '2001:4860:4860::8888'),
  'real libsinsp test event: open() exit event returning fd 3 for /tmp/file_to_run (fd.name=/tmp/file_to_run, fd.directory=/tmp, fd.types=(file), evt.num=1)': {
    'fd.name': '/tmp/file_to_run',
    'fd.directory': '/tmp',
    'fd.types': ['file'],
    'evt.num': 1,
    'evt.type': 'open',
  },
  'real libsinsp test event: open() exit event returning fd 3 for /tmp/file_to_run (fd.name=/tmp/file_to_run, fd.directory=/tmp, fd.types=(file), evt.num=1); getopt tests only use literal lists so the event does not matter': {
    'fd.name': '/tmp/file_to_run',
    'fd.directory': '/tmp',
    'fd.types': ['file'],
    'evt.num': 1,
  },
  'real libsinsp test event: open() exit event: fd.name=/opt/dir/subdir/file.txt': { 'fd.name': '/opt/dir/subdir/file.txt' },
  'real libsinsp test event: failed getcwd syscall entry event on the default init thread (evt.type=getcwd, syscall.type=getcwd, evt.source=syscall, proc.name=init)': {
    'evt.type': 'getcwd',
    'syscall.type': 'getcwd',
    'evt.source': 'syscall',
    'proc.name': 'init',
    // A failed syscall: its one parameter is the error it returned.
    'evt.arg.res': 'ENOENT',
    'evt.args': 'res=-2(ENOENT)',
  },
};

interface EvalCase {
  readonly condition: string;
  readonly expected: boolean;
  readonly context: string;
}

describe('compiler on the libs evaluation cases', () => {
  it('evaluates the cases whose event and fields the test table can express, as libsinsp does', (t) => {
    if (!requireCorpus(t)) return;
    const all = JSON.parse(readFileSync(corpusPath('falco/filter-eval-cases.json'), 'utf8')) as EvalCase[];
    let evaluated = 0;
    const wrong: string[] = [];
    for (const c of all) {
      const known = EVENTS[c.context];
      if (known === undefined) continue;
      const ev = typeof known === 'function' ? known(c.condition) : known;
      let got: boolean;
      try {
        got = compile(parse(c.condition), fields)(ev);
      } catch (err) {
        // a field outside the test table: not expressible here
        if (err instanceof ConditionCompileError && err.message.startsWith('unknown field')) continue;
        wrong.push(`${c.condition}: ${String(err)}`);
        continue;
      }
      evaluated++;
      if (got !== c.expected) wrong.push(`${c.condition}: got ${got}, expected ${c.expected}`);
    }
    t.diagnostic(`${evaluated} of ${all.length} cases evaluated`);
    assert.deepEqual(wrong, []);
    // Every case is evaluated: here, or (mock fields) in compile.test.ts.
    const mock = all.filter((c) => c.context.startsWith('mock fields')).length;
    assert.equal(evaluated + mock, all.length, `${evaluated} + ${mock} mock of ${all.length} cases evaluated`);
  });
});
