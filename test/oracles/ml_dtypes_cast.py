"""Oracle for the live cross-check: reads raw float32 values on stdin and writes, for each format named
on the command line, np.float32(x).astype(format).astype(np.float32) as raw float32, one block per format."""
import sys
import warnings

import ml_dtypes
import numpy as np

warnings.simplefilter("ignore")  # casts of NaN and out-of-range values warn; the values are what we compare
x = np.frombuffer(sys.stdin.buffer.read(), dtype=np.float32)
for name in sys.argv[1:]:
    dtype = np.float16 if name == "float16" else getattr(ml_dtypes, name)
    sys.stdout.buffer.write(x.astype(dtype).astype(np.float32).tobytes())
