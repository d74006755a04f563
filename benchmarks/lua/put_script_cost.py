"""Issue 14, the put script alone: EVALSHA of one or more scripts with a single-key put's exact argument shapes (an
update of an eternal entry, 100-byte value, no listener anywhere) on a fresh redis-server with one subscriber on the
channel, timed by Redis's own clock (INFO commandstats), the scripts alternated round by round; prints the lowest and
the median round of each, and the commands the script ran per call.

    git show 78ce3c7:redis/src/main/resources/dev/terrace/jcache/internal/tier/redis/redis-write.lua > /tmp/old.lua
    ROUNDS=12 python3 benchmarks/lua/put_script_cost.py \
        write=/tmp/old.lua put=redis/src/main/resources/dev/terrace/jcache/internal/tier/redis/redis-put.lua

A script named put* takes redis-put.lua's arguments, any other redis-write.lua's (mode 'p', as before redis-put.lua).
The first script given makes the entries first, so it must be one that sets the no-interest marker.
"""
import socket, struct, subprocess, sys, time, os, threading, uuid, statistics, random

def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p

def enc(*args):
    out = [b'*%d\r\n' % len(args)]
    for a in args:
        if isinstance(a, str): a = a.encode()
        elif isinstance(a, int): a = str(a).encode()
        out.append(b'$%d\r\n' % len(a)); out.append(a); out.append(b'\r\n')
    return b''.join(out)

class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port)); self.f = self.s.makefile('rb')
    def send(self, data): self.s.sendall(data)
    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t == b'+' : return rest.decode()
        if t == b'-' : raise Exception(rest.decode())
        if t == b':' : return int(rest)
        if t == b'$':
            n = int(rest)
            if n < 0: return None
            d = self.f.read(n + 2); return d[:-2]
        if t == b'*':
            n = int(rest)
            if n < 0: return None
            return [self.read() for _ in range(n)]
        raise Exception('bad ' + repr(line))
    def call(self, *args):
        self.send(enc(*args)); return self.read()

ETERNAL = (1 << 63) - 1

def main():
    scripts = sys.argv[1:]  # each: name=path:builder
    port = free_port()
    d = '/tmp/redisput3/srv-%d' % port; os.makedirs(d, exist_ok=True)
    proc = subprocess.Popen(['redis-server', '--port', str(port), '--save', '', '--appendonly', 'no', '--dir', d],
                            stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        c = Conn(port)
        sub = Conn(port)
        prefix = 'terrace:put/cache{s0}:'
        channel = 'terrace:put/cache{s0}:ch'
        sub.send(enc('SUBSCRIBE', channel)); sub.read()
        def drain():
            try:
                while sub.s.recv(65536): pass
            except Exception: pass
        threading.Thread(target=drain, daemon=True).start()
        origin = uuid.uuid4().bytes
        heads = [origin + bytes([1, t]) + struct.pack('>h', 0) for t in (1, 2, 3, 4)]
        length = b'100000'
        constants = b''.join(heads) + bytes([len(length)]) + length + channel.encode()
        lean = [origin + bytes([3, t]) + struct.pack('>h', 0) for t in (1, 2)]
        putconstants = b''.join(lean) + bytes([len(length)]) + length + channel.encode()
        keys = [prefix + 'e:key-%d' % i for i in range(256)]
        control = [prefix + 'seq', prefix + 'log', prefix + 'epoch', prefix + 'interest', prefix + 'nointerest']
        value = bytes(random.getrandbits(8) for _ in range(100))
        payload = bytes([0xac, 0xed]) + value  # stand-in for the codec's bytes
        loaded = {}
        for spec in scripts:
            name, path = spec.split('=')
            src = open(path, 'rb').read()
            loaded[name] = c.call('SCRIPT', 'LOAD', src)
        now = int(time.time() * 1000)
        def call_args(name, i):
            k = i & 255
            keybytes = ('key-%d' % k).encode()
            entry = keys[k]
            lock = 'redisson_lock:' + entry
            call = (b'p' + struct.pack('>qqqqqq', now, random.getrandbits(62) | 1, ETERNAL, 0, 0, 0) + b'10'
                    + b'%016x' % random.getrandbits(64))
            tail = struct.pack('>i', len(keybytes)) + keybytes + struct.pack('>i', len(payload)) + payload
            if name.startswith('put'):
                return [loaded[name], 7, entry, control[0], control[1], control[2], lock, control[3], control[4],
                        putconstants, call + struct.pack('>i', len(keybytes)) + keybytes, call[9:25] + payload]
            return [loaded[name], 7, entry, control[0], control[1], control[2], lock, control[3], control[4],
                    constants, call, tail]
        # warm: create the entries with the first script
        first = scripts[0].split('=')[0]
        for i in range(256):
            r = c.call('EVALSHA', *call_args(first, i))
        assert c.call('GET', control[4]) == b'1', 'marker set'
        n = 10000
        results = {name: [] for name in loaded}
        for rnd in range(int(os.environ.get('ROUNDS', '8'))):
            for name in loaded:
                c.call('CONFIG', 'RESETSTAT')
                chunk = 200
                cmds = [enc('EVALSHA', *call_args(name, i)) for i in range(n)]
                for j in range(0, n, chunk):
                    c.send(b''.join(cmds[j:j+chunk]))
                    for _ in range(chunk):
                        r = c.read()
                        assert (isinstance(r, list) and r[0] > 0) or isinstance(r, bytes), r
                info = c.call('INFO', 'commandstats').decode()
                stats = {}
                for line in info.splitlines():
                    if line.startswith('cmdstat_'):
                        cmd, rest = line[8:].split(':', 1)
                        kv = dict(x.split('=') for x in rest.split(','))
                        stats[cmd] = (int(kv['calls']), float(kv['usec']))
                calls, usec = stats['evalsha']
                inner = sum(u for cm, (cl, u) in stats.items() if cm not in ('evalsha', 'config'))
                innercalls = {cm: cl / n for cm, (cl, u) in stats.items() if cm not in ('evalsha', 'config')}
                results[name].append((usec / calls, inner / calls, innercalls))
        for name, rs in results.items():
            per = sorted(r[0] for r in rs); inn = sorted(r[1] for r in rs)
            print('%-10s evalsha usec/call min %.2f median %.2f | commands inside min %.2f median %.2f | %s' % (
                name, per[0], statistics.median(per), inn[0], statistics.median(inn),
                {k: round(v, 2) for k, v in rs[-1][2].items()}))
    finally:
        proc.terminate(); proc.wait()

main()
