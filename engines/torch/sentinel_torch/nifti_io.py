"""NIfTI files through nibabel: images and label maps in, masks and probability maps out,
every output written on the grid (shape and affine) of the image it was predicted from."""

import os

import nibabel as nib
import numpy as np

from .contract import EngineError


def load_image(path):
    """Loads a 3D image (a 4th axis of size 1 is accepted) as (nibabel image, float32 array)."""
    image = _load(path)
    data = image.get_fdata(dtype=np.float32)
    return image, _as_3d(data, path)


def load_labels(path, image, image_path):
    """Loads an integer label map that must lie on `image`'s grid; returns an int array."""
    labels = _load(path)
    data = _as_3d(np.asanyarray(labels.dataobj), path)
    if data.shape != image.shape[:3] or not np.allclose(labels.affine, image.affine, atol=1e-3):
        raise EngineError(f"label map {path} is not on the grid of its image {image_path} (shape {data.shape} vs {image.shape[:3]})")
    if data.dtype.kind == "f":
        if not np.all(np.isfinite(data)) or not np.array_equal(data, np.round(data)):
            raise EngineError(f"label map {path} has non-integer values")
    data = data.astype(np.int64)
    if data.size and (data.min() < 0 or data.max() > 255):
        raise EngineError(f"label map {path} has values outside 0..255")
    return data


def _load(path):
    try:
        return nib.load(path)
    except FileNotFoundError:
        raise EngineError(f"file not found: {path}") from None
    except Exception as error:  # nibabel raises several types for unreadable files
        raise EngineError(f"cannot read NIfTI {path}: {error}") from None


def _as_3d(data, path):
    if data.ndim == 4 and data.shape[3] == 1:
        data = data[..., 0]
    if data.ndim != 3:
        raise EngineError(f"{path}: expected a 3D image, got shape {data.shape}")
    return data


def _header_like(reference, shape, dtype):
    """A NIfTI-1 header on the reference image's grid (its qform and sform, codes kept)."""
    header = nib.Nifti1Header()
    header.set_data_shape(shape)
    header.set_data_dtype(dtype)
    affine = reference.affine
    try:
        qform, qcode = reference.header.get_qform(coded=True)
        sform, scode = reference.header.get_sform(coded=True)
    except AttributeError:  # not a NIfTI header: the affine is all there is
        qform, qcode, sform, scode = None, 0, None, 0
    header.set_qform(qform if qform is not None else affine, code=int(qcode) if qform is not None else 1)
    header.set_sform(sform if sform is not None else affine, code=int(scode) if sform is not None else 1)
    header.set_xyzt_units("mm", "sec")
    return header


def _save(path, data, reference, slope=None):
    header = _header_like(reference, data.shape, data.dtype)
    image = nib.Nifti1Image(data, reference.affine, header)
    image.set_qform(header.get_qform(), code=int(header["qform_code"]))
    image.set_sform(header.get_sform(), code=int(header["sform_code"]))
    if slope is not None:
        image.header.set_slope_inter(slope, 0.0)
    temporary = f"{os.path.dirname(path)}/.{os.path.basename(path)}.{os.getpid()}.tmp{_suffix(path)}"
    try:
        nib.save(image, temporary)
    except OSError as error:
        raise EngineError(f"cannot write {path}: {error.strerror}") from None
    os.replace(temporary, path)


def _suffix(path):
    return ".nii.gz" if path.endswith(".gz") else ".nii"


def write_mask(path, mask, reference):
    """Writes a uint8 label map on the reference image's grid."""
    _save(path, np.asarray(mask, dtype=np.uint8), reference)


def write_voxel_map(path, values, reference):
    """Writes a 3D float32 map (a fused uncertainty map) on the reference image's grid."""
    _save(path, np.asarray(values, dtype=np.float32), reference)


def write_probabilities(path, probabilities, reference, probability_type):
    """Writes class probabilities (x, y, z, class) as 4D NIfTI: float32, or uint8 with
    scl_slope = 1/255 where each voxel's bytes add up to exactly 255."""
    if probability_type == "float32":
        _save(path, np.asarray(probabilities, dtype=np.float32), reference)
    else:
        _save(path, quantize_probabilities(probabilities), reference, slope=1.0 / 255.0)


def quantize_probabilities(probabilities, slab=8):
    """Rounds (x, y, z, class) probabilities to bytes by the largest-remainder rule, slab by slab
    along z to bound the temporary memory."""
    out = np.empty(probabilities.shape, dtype=np.uint8)
    classes = probabilities.shape[3]
    for z0 in range(0, probabilities.shape[2], slab):
        scaled = probabilities[:, :, z0:z0 + slab, :].astype(np.float64) * 255.0
        scaled /= np.maximum(scaled.sum(axis=3, keepdims=True) / 255.0, 1e-12)
        floor = np.floor(scaled)
        deficit = (255 - floor.sum(axis=3)).astype(np.int64)
        order = np.argsort(-(scaled - floor), axis=3, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(classes).reshape(1, 1, 1, classes), axis=3)
        floor += rank < deficit[..., None]
        out[:, :, z0:z0 + slab, :] = floor.astype(np.uint8)
    return out
