"""Issue 14, redis-put.lua against redis-write.lua's mode 'p' (as before redis-put.lua): the same random puts, with
damaged or missing control keys, locks, every state of the listener interest and marker, and expiries in between, on
two fresh redis-servers; every reply, announcement, entry (value and PEXPIRETIME), control key and log record must
be equal byte for byte, but for the one intended difference counted apart (an update that keeps an eternal entry's
expiry clears a time to live set by hand). A sequence of 'inf' is left out: the old script failed every put on it,
redis-put.lua starts a new epoch.

    git show 78ce3c7:redis/src/main/resources/dev/terrace/jcache/internal/tier/redis/redis-write.lua > /tmp/old.lua
    STEPS=2500 python3 benchmarks/lua/put_script_differential.py /tmp/old.lua \
        redis/src/main/resources/dev/terrace/jcache/internal/tier/redis/redis-put.lua 1
"""
import os, sys, random, struct, time, subprocess, socket, threading
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'put_script_cost.py')).read().split('ETERNAL =')[0])
ETERNAL = (1 << 63) - 1
OLD, NEW = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rnd = random.Random(seed)

def server():
    port = free_port()
    p = subprocess.Popen(['redis-server', '--port', str(port), '--save', '', '--appendonly', 'no'], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            c = Conn(port); return p, port, c
        except OSError: time.sleep(0.05)

prefix = 'terrace:d/c{s0}:'
channel = prefix + 'ch'
origin = bytes(range(16))
heads = [origin + bytes([1, t]) + struct.pack('>h', 7) for t in (1, 2, 3, 4)]
length = b'50'
constants = b''.join(heads) + bytes([len(length)]) + length + channel.encode()
lean = [origin + bytes([3, t]) + struct.pack('>h', 7) for t in (1, 2)]
putconstants = b''.join(lean) + bytes([len(length)]) + length + channel.encode()
control = [prefix + 'seq', prefix + 'log', prefix + 'epoch', prefix + 'interest', prefix + 'nointerest']

class Side:
    def __init__(self, path, put):
        self.proc, self.port, self.c = server()
        self.put = put
        self.sha = self.c.call('SCRIPT', 'LOAD', open(path, 'rb').read())
        self.sub = Conn(self.port); self.sub.send(enc('SUBSCRIBE', channel)); self.sub.read()
        self.heard = []
        def drain():
            try:
                while True:
                    m = self.sub.read()
                    self.heard.append(m[2])
            except Exception: pass
        threading.Thread(target=drain, daemon=True).start()
    def state(self, keys):
        c = self.c; out = []
        for k in keys + [control[0], control[2], control[4], control[3]]:
            t = c.call('TYPE', k)
            v = c.call('GET', k) if t == 'string' else (c.call('HGETALL', k) if t == 'hash' else None)
            out.append((k, t, v, c.call('PEXPIRETIME', k)))
        t = c.call('TYPE', control[1])
        out.append(('log', t, c.call('XRANGE', control[1], '-', '+') if t == 'stream' else c.call('GET', control[1]) if t == 'string' else None))
        return out

old, new = Side(OLD, False), Side(NEW, True)
sides = (old, new)
now = int(time.time() * 1000)
keys = ['key-%d' % i for i in range(4)]
def entry(k): return prefix + 'e:' + k
checked = 0
stray = 0
for step in range(int(os.environ.get('STEPS', '3000'))):
    r = rnd.random()
    # disturbances, applied alike on both sides
    if r < 0.03:
        cmd = rnd.choice([('DEL', control[0]), ('SET', control[0], 'abc'), ('SET', control[0], '-3'), ('SET', control[0], '1'),
                          ('DEL', control[2]), ('DEL', control[1]), ('SET', control[1], 'x'), ('DEL', control[4]),
                          ('SET', control[0], '1.5')])
        for s in sides: s.c.call(*cmd)
        continue
    if r < 0.06:
        member = rnd.choice(['a:v', 'b:o', 'c:v'])
        score = rnd.choice([now + 10**9, 1])
        cmd = rnd.choice([('ZADD', control[3], score, member), ('DEL', control[3]), ('DEL', control[4])])
        for s in sides: s.c.call(*cmd)
        continue
    if r < 0.08:
        k = rnd.choice(keys)
        cmd = rnd.choice([('HSET', 'redisson_lock:' + entry(k), 'x', '1'), ('DEL', 'redisson_lock:' + entry(k)),
                          ('PEXPIREAT', entry(k), now + 10**9), ('DEL', entry(k))])
        for s in sides: s.c.call(*cmd)
        continue
    k = rnd.choice(keys)
    t = now + rnd.randint(-5, 5) * 1000
    def instant():
        return rnd.choice([ETERNAL, t + rnd.randint(-3, 10) * 1000, ETERNAL])
    created = instant(); updated = instant()
    def reclaim(e): return 0 if e >= ETERNAL - 1000 else e + 1000
    keep = rnd.random() < 0.5
    call = (b'p' + struct.pack('>qqqqqq', t, rnd.getrandbits(62) | 1, created, reclaim(created),
                                0 if keep else updated, 0 if keep else reclaim(updated))
            + (b'1' if keep else b'0') + (b'1' if rnd.random() < 0.3 else b'0') + b'%016x' % rnd.getrandbits(64))
    keyb = k.encode(); payload = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 30)))
    tail = struct.pack('>i', len(keyb)) + keyb + struct.pack('>i', len(payload)) + payload
    replies = []
    for s in sides:
        try:
            if s.put:
                args = [putconstants, call + tail[:4 + len(keyb)], call[9:25] + payload]
            else:
                args = [constants, call, tail]
            replies.append(s.c.call('EVALSHA', s.sha, 7, entry(k), control[0], control[1], control[2],
                                    'redisson_lock:' + entry(k), control[3], control[4], *args))
        except Exception as e:
            replies.append('ERR ' + str(e)[:60])
    # redis-write.lua replied {seq, found} / {seq} / {-2}; redis-put.lua replies found / nil / -2 (the sequence is
    # compared in the state below).
    if isinstance(replies[0], list):
        replies[0] = -2 if replies[0] == [-2] else (replies[0][1] if len(replies[0]) > 1 else None)
    assert replies[0] == replies[1], (step, replies)
    for s in sides: s.c.call('PING')
    st = [s.state([entry(x) for x in keys]) for s in sides]
    if st[0] != st[1]:
        a = [x for x in st[0] if x not in st[1]]; b = [x for x in st[1] if x not in st[0]]
        # the one designed difference: an update that keeps an eternal entry's expiry clears a stray TTL (MSET)
        if all(x[0].startswith(prefix + 'e:') and x[2][8:16] == b'\x7f' + b'\xff' * 7 and y[3] == -1
               and x[:3] == y[:3] for x, y in zip(a, b)):
            stray += 1
            for s in sides: s.c.call('PERSIST', a[0][0])
        else:
            assert False, (step, a, b)
    checked += 1
time.sleep(0.3)
assert len(old.heard) == len(new.heard), (len(old.heard), len(new.heard))
for i, (a, b) in enumerate(zip(old.heard, new.heard)):
    assert a == b, (i, a, b)
kinds = {}
for m in old.heard: kinds[(m[16], m[17])] = kinds.get((m[16], m[17]), 0) + 1
print('seed', seed, 'stray TTLs cleared', stray, 'puts compared', checked, 'announcements equal', len(old.heard), 'kinds', sorted(kinds.items()))
for s in sides: s.proc.terminate()
