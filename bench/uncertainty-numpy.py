"""Run the numpy reference for entropy / MC dropout (tools/reference/uncertainty_reference.py,
which loads every map whole) in this process, then report its scores, seconds and peak RSS
(VmHWM) as JSON. Run by bench/uncertainty.ts as its own process, with the reference's argv."""
import contextlib
import io
import json
import os
import sys
import time


def vm(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024
    return 0


here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', 'tools', 'reference'))
import uncertainty_reference  # noqa: E402

baseline = vm('VmRSS')
sys.argv = ['uncertainty_reference.py', *sys.argv[1:]]
out = io.StringIO()
start = time.perf_counter()
with contextlib.redirect_stdout(out):
    uncertainty_reference.main()
seconds = time.perf_counter() - start
print(json.dumps({'seconds': seconds, 'peakRss': vm('VmHWM'), 'baselineRss': baseline,
                  'scores': json.loads(out.getvalue())}))
