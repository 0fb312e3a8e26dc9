// The watchdog process of parent-watchdog.ts: reads "+PGID" and "-PGID" lines on stdin; when
// stdin ends (its parent is gone, however it died) it SIGKILLs every group still listed and
// exits. Signals meant for the terminal's foreground group (Ctrl-C, a closed terminal) are
// ignored: the parent handles those, and the watchdog must outlive it.
const groups = new Set<number>();
let pending = '';

for (const signal of ['SIGINT', 'SIGHUP', 'SIGQUIT'] as const) process.on(signal, () => {});

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (!Number.isInteger(pgid) || pgid <= 1) continue;
    if (line.startsWith('+')) groups.add(pgid);
    else if (line.startsWith('-')) groups.delete(pgid);
  }
});
process.stdin.on('end', () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(0);
});
