"""Decode a NIfTI file with nibabel the way a Python pipeline does, then report timing and
peak RSS (VmHWM) as JSON. Run by bench/nifti-read.ts as its own process."""
import json
import sys
import time


def vm(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024
    return 0


import numpy as np  # noqa: E402
import nibabel as nib  # noqa: E402

baseline = vm('VmRSS')
start = time.perf_counter()
img = nib.load(sys.argv[1])
data = np.asanyarray(img.dataobj)
seconds = time.perf_counter() - start
print(json.dumps({'seconds': seconds, 'peakRss': vm('VmHWM'), 'baselineRss': baseline,
                  'checksum': float(data.sum(dtype=np.float64)), 'shape': list(data.shape)}))
