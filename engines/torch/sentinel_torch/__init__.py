"""The torch engine: a segmentation engine speaking the sentinel engine contract v1.

The package is imported by engines/torch/sentinel_torch_engine.py. `contract` and `params`
import no torch, so the nnU-Net and TotalSegmentator adapters reuse them.
"""
