"""Exported ONNX pair in onnxruntime (Python, CPU) vs upstream SamPredictor, same seeded
weights, on real nuclei (issue 5, item 4, Python half).

Image: $SEGLAB_DATA/nuclei2d/image.tif (uint16 gray) as uint8 RGB by SegLab's rule (min-max to
0..255, gray repeated); the same array goes to the predictor and, through the predictor's own
resize + normalise + pad, to the ONNX encoder. The ONNX decoder runs on the ONNX encoder's
embeddings (the pipeline SegLab runs), with the predictor's transformed coordinates. Prompts:
20 nuclei (seeded choice) as a click on the centroid and as their bounding box.

Tolerances: embeddings rel L2 <= 1e-4; per prompt, low-res logits (all 4 masks) and IoU
predictions rel L2 <= 1e-3; each thresholded (> 0) low-res mask IoU >= 0.995, and the same for
the masks upscaled to the image by upstream's postprocess_masks.
"""

import contextlib
from types import SimpleNamespace

import numpy as np
import pytest

torch = pytest.importorskip("torch")
ort = pytest.importorskip("onnxruntime")
pytest.importorskip("segment_anything")
pytest.importorskip("mobile_sam")
pytest.importorskip("skimage")
pytest.importorskip("tifffile")

from modelkit import (SEED, mask_iou, nuclei2d, nucleus_prompts, rel_l2,  # noqa: E402
                      upstream_predictor)

from seglab.models import cached_export  # noqa: E402

EMBED_TOL = 1e-4
LOGITS_TOL = 1e-3
IOU_PRED_TOL = 1e-3
MASK_IOU_MIN = 0.995


def session(path):
    so = ort.SessionOptions()
    so.log_severity_level = 3
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module", params=["vit_t", "vit_b"])
def pipeline(request):
    arch = request.param
    image, labels = nuclei2d()
    points, boxes = nucleus_prompts(labels, n=20, seed=0)
    folder = cached_export(arch, seed=SEED)
    predictor = upstream_predictor(arch)
    with torch.no_grad():
        predictor.set_image(image)
        # What set_image fed its encoder: ResizeLongestSide, then Sam.preprocess.
        resized = predictor.transform.apply_image(image)
        x = torch.as_tensor(resized).permute(2, 0, 1).contiguous()[None]
        x = predictor.model.preprocess(x).numpy()
    assert x.shape == (1, 3, 1024, 1024) and x.dtype == np.float32
    embeddings = session(folder / "encoder.onnx").run(["image_embeddings"], {"image": x})[0]
    return SimpleNamespace(arch=arch, predictor=predictor, embeddings=embeddings,
                           decoder=session(folder / "decoder.onnx"), points=points, boxes=boxes)


def onnx_decode(p, coords, labels):
    iou, low = p.decoder.run(["iou_predictions", "low_res_masks"], {
        "image_embeddings": p.embeddings,
        "point_coords": coords[None].astype(np.float32),
        "point_labels": labels[None].astype(np.float32),
        "mask_input": np.zeros((1, 1, 256, 256), np.float32),
        "has_mask_input": np.zeros(1, np.float32),
    })
    return iou[0], low[0]


@contextlib.contextmanager
def recorded_decoder_outputs(predictor):
    """Record the mask decoder's full output (all 4 masks) inside SamPredictor.predict: with
    multimask_output=True it returns masks 1..3; mask 0 (its multimask_output=False answer)
    is read from the same call instead of running the ~1 s CPU decoder a second time."""
    decoder = predictor.model.mask_decoder
    record = {}
    original = type(decoder).predict_masks.__get__(decoder)

    def predict_masks(*args, **kwargs):
        record["masks"], record["iou"] = out = original(*args, **kwargs)
        return out

    decoder.predict_masks = predict_masks
    try:
        yield record
    finally:
        del decoder.predict_masks


def compare(p, kind):
    """Per prompt: rel L2 of the 4 low-res logits and IoU predictions, each mask's IoU."""
    with recorded_decoder_outputs(p.predictor) as record:
        return _compare(p, kind, record)


def _compare(p, kind, record):
    pred = p.predictor
    rows = []
    prompts = p.points if kind == "point" else p.boxes
    for i, prompt in enumerate(prompts):
        if kind == "point":
            kwargs = dict(point_coords=prompt[None], point_labels=np.array([1]))
            # SamPredictor pads a points-only prompt with a (0, 0) point labelled -1.
            coords = np.concatenate([pred.transform.apply_coords(prompt[None], pred.original_size),
                                     [[0.0, 0.0]]])
            labels = np.array([1.0, -1.0])
        else:
            kwargs = dict(box=prompt)
            # A box goes to SamOnnxModel as its two corners labelled 2 and 3.
            coords = pred.transform.apply_boxes(prompt[None], pred.original_size).reshape(2, 2)
            labels = np.array([2.0, 3.0])
        with torch.no_grad():
            up, iou, low = pred.predict(**kwargs, multimask_output=True, return_logits=True)
            assert np.array_equal(record["masks"][0, 1:].numpy(), low)
            assert np.array_equal(record["iou"][0, 1:].numpy(), iou)
            up0 = pred.model.postprocess_masks(record["masks"][:, :1], pred.input_size,
                                               pred.original_size)[0].numpy()
        want_up = np.concatenate([up0, up])
        want_iou = record["iou"][0].numpy()
        want_low = record["masks"][0].numpy()
        got_iou, got_low = onnx_decode(p, coords, labels)
        with torch.no_grad():
            got_up = pred.model.postprocess_masks(torch.from_numpy(got_low[None]), pred.input_size,
                                                  pred.original_size)[0].numpy()
        rows.append(SimpleNamespace(
            i=i, logits=rel_l2(got_low, want_low), iou_pred=rel_l2(got_iou, want_iou),
            upscaled=rel_l2(got_up, want_up),
            mask_iou=[mask_iou(g > 0, w > 0) for g, w in zip(got_low, want_low)],
            up_iou=[mask_iou(g > 0, w > 0) for g, w in zip(got_up, want_up)],
            fg=[float((w > 0).mean()) for w in want_low]))
    worst = lambda key: max(rows, key=key)  # noqa: E731
    wl, wi = worst(lambda r: r.logits), worst(lambda r: r.iou_pred)
    wm = worst(lambda r: -min(r.mask_iou))
    wu = worst(lambda r: -min(r.up_iou))
    print(f"\n{p.arch} {kind} prompts ({len(rows)}): worst low-res logits rel L2 {wl.logits:.2e} "
          f"(#{wl.i}), IoU predictions rel L2 {wi.iou_pred:.2e} (#{wi.i}), thresholded low-res "
          f"mask IoU {min(wm.mask_iou):.5f} (#{wm.i}, mask {int(np.argmin(wm.mask_iou))}), "
          f"upscaled mask IoU {min(wu.up_iou):.5f} (#{wu.i}), upscaled logits rel L2 "
          f"{max(r.upscaled for r in rows):.2e}")
    return rows


def check(rows, kind):
    bad = [f"#{r.i}: logits {r.logits:.2e}" for r in rows if not r.logits <= LOGITS_TOL]
    bad += [f"#{r.i}: IoU predictions {r.iou_pred:.2e}" for r in rows
            if not r.iou_pred <= IOU_PRED_TOL]
    bad += [f"#{r.i}: low-res mask IoU {min(r.mask_iou):.4f}" for r in rows
            if not min(r.mask_iou) >= MASK_IOU_MIN]
    bad += [f"#{r.i}: upscaled mask IoU {min(r.up_iou):.4f}" for r in rows
            if not min(r.up_iou) >= MASK_IOU_MIN]
    assert not bad, f"{kind} prompts off: {bad[:8]}"
    # The masks compared are not trivially empty or full (else the IoU check says nothing).
    mixed = sum(0.001 < f < 0.999 for r in rows for f in r.fg)
    assert mixed >= len(rows), f"only {mixed} of {4 * len(rows)} masks are neither empty nor full"


def test_encoder_matches_predictor_features(pipeline):
    want = pipeline.predictor.features.numpy()
    err = rel_l2(pipeline.embeddings, want)
    print(f"\n{pipeline.arch} embeddings rel L2 {err:.2e}")
    assert pipeline.embeddings.shape == want.shape == (1, 256, 64, 64)
    assert err <= EMBED_TOL


def test_point_prompts_match_predictor(pipeline):
    check(compare(pipeline, "point"), "point")


def test_box_prompts_match_predictor(pipeline):
    check(compare(pipeline, "box"), "box")
