import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inCidr, ipKey, isPrivateIpv4, parseCidr, parseIp } from './ip.js';

const key = (t: string) => {
  const ip = parseIp(t);
  return ip === undefined ? undefined : ipKey(ip);
};

describe('IP addresses and networks', () => {
  it('gives equal keys to equal addresses in any notation', () => {
    assert.equal(key('::1'), key('0:0:0:0:0:0:0:1'));
    assert.equal(key('[2001:db8::1]'), key('2001:0db8:0000:0000:0000:0000:0000:0001'));
    assert.equal(key('::ffff:1.2.3.4'), key('::ffff:102:304'));
    assert.equal(key('fe80::1%eth0'), key('fe80::1'));
    assert.notEqual(key('1.2.3.4'), key('::ffff:1.2.3.4'));
    assert.equal(key('10.0.0.256'), undefined);
    assert.equal(key('ec2.amazonaws.com'), undefined);
  });

  it('tests CIDR membership, masking the network address', () => {
    const net = parseCidr('142.0.0.0/4');
    assert.ok(net);
    assert.equal(inCidr(parseIp('142.251.111.147') as never, net), true);
    assert.equal(inCidr(parseIp('10.0.0.1') as never, net), false);
    assert.equal(inCidr(parseIp('2001:4860:4860::8888') as never, parseCidr('2001:4860::0/32') as never), true);
    assert.equal(inCidr(parseIp('::1') as never, parseCidr('0.0.0.0/0') as never), false, 'families never mix');
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('10.0.0.0'), undefined);
  });
});

describe('isPrivateIpv4', () => {
  it('knows private, loopback, link-local and CGNAT ranges, and nothing else', () => {
    for (const ip of ['10.1.2.3', '127.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.255']) assert.equal(isPrivateIpv4(ip), true, ip);
    for (const ip of ['172.32.0.1', '172.15.0.1', '8.8.8.8', '198.51.100.23', '100.128.0.1', '192.169.0.1', 'not-an-ip', '2001:db8::1']) assert.equal(isPrivateIpv4(ip), false, ip);
  });
});
