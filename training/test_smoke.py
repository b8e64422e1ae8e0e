"""Smoke tests: synthesis, a few training steps with checkpoint + resume, ONNX export with
parity against onnxruntime-web, and the eval metrics. Under 60 s on 2 cores.

    /usr/bin/python3 -m pytest training -q
    /usr/bin/python3 training/test_smoke.py
"""
from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data  # noqa: E402
import eval as evaluation  # noqa: E402
import export  # noqa: E402
import models  # noqa: E402
import train  # noqa: E402
from configs.smoke import CONFIG  # noqa: E402

HAVE_PHOTOS = data.DEFAULT_PHOTOS.exists()


def need_photos():
    # Say so, rather than pass silently, when ../shared/data/photos is missing.
    if not HAVE_PHOTOS:
        try:
            import pytest
        except ImportError:
            raise SystemExit(f"photos not found at {data.DEFAULT_PHOTOS} (set WM_PHOTOS)")
        pytest.skip(f"photos not found at {data.DEFAULT_PHOTOS} (set WM_PHOTOS)")


def smoke_config():
    return dataclasses.replace(CONFIG, name="smoke-test")


def test_synthesis_families():
    need_photos()
    synth = data.Synth(data.DEFAULT_PHOTOS, "train")
    rng = np.random.default_rng(0)
    for family in data.FAMILIES:
        for crop in (64, None):
            s = synth.sample(rng, crop=crop, family=family)
            h, w = s.mask.shape
            assert s.watermarked.shape == s.clean.shape == s.colour.shape == (h, w, 3)
            assert crop is None or (h, w) == (crop, crop)
            for x in (s.watermarked, s.clean, s.alpha, s.colour):
                assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
            if family == "clean":
                assert not s.mask.any() and not s.alpha.any()
                assert np.array_equal(s.watermarked, s.clean)  # same degradation on both
            # Where the mark is, alpha is non-zero, and kinds are labelled exactly there.
            assert (s.alpha[s.mask > 0] > 0).all()
            assert ((s.kind >= 0) == (s.mask > 0)).all()


def test_solid_marks_and_tight_requests():
    need_photos()
    synth = data.Synth(data.DEFAULT_PHOTOS, "train", {"solid": 1.0})
    rng = np.random.default_rng(1)
    for _ in range(4):
        s = synth.sample(rng, crop=None)
        assert s.family == "solid" and s.mask.any()
        assert s.alpha.max() > 0.999  # opaque where drawn: nothing under it to invert
        # A request of the mark itself (no growth, no box, no false region), and one grown 2 px.
        assert np.array_equal(data.remover_mask(rng, s.mask, 0.0, (0, 1), 0.0), s.mask)
        grown = data.remover_mask(rng, s.mask, 0.0, (2, 3), 0.0)
        assert (grown >= s.mask).all() and grown.sum() > s.mask.sum()


def test_splits_disjoint():
    need_photos()
    train_names = {p.name for p in data.list_photos(data.DEFAULT_PHOTOS, "train")}
    test_names = {p.name for p in data.list_photos(data.DEFAULT_PHOTOS, "test")}
    assert train_names and test_names and not train_names & test_names
    assert not set(data.list_fonts("train")) & set(data.list_fonts("test"))


def test_mined_negatives_stay_in_their_split():
    need_photos()
    train_photos = data.list_photos(data.DEFAULT_PHOTOS, "train")[:3]
    val_photo = data.list_photos(data.DEFAULT_PHOTOS, "val")[0]
    names = [p.name for p in train_photos] + [val_photo.name]
    synth = data.Synth(data.DEFAULT_PHOTOS, "train", mined=names, mined_share=1.0)
    assert synth.mined == train_photos  # a val name in the list never trains
    rng = np.random.default_rng(0)
    assert all(synth._negative_pool(rng) is synth.mined for _ in range(20))
    val = data.Synth(data.DEFAULT_PHOTOS, "val", mined=[p.name for p in train_photos], mined_share=1.0)
    assert val.mined == [] and val.mined_share == 0.0  # nor does a train name reach validation


def test_freeze_bn_keeps_detector_statistics():
    cfg = dataclasses.replace(smoke_config(), freeze_bn=True)
    det, rem = models.build("detector", cfg.detector), models.build("remover", cfg.remover)
    train.train_mode(cfg, det, rem)
    bns = [m for m in det.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    assert bns and det.training and not any(m.training for m in bns)
    before = [m.running_mean.clone() for m in bns]
    det(torch.rand(2, 3, 64, 64))[0].mean().backward()
    assert all(torch.equal(b, m.running_mean) for b, m in zip(before, bns))
    train.train_mode(dataclasses.replace(cfg, freeze_bn=False), det, rem)
    det(torch.rand(2, 3, 64, 64))
    assert not all(torch.equal(b, m.running_mean) for b, m in zip(before, bns))  # the test can fail


def test_detector_presence_target():
    alpha = torch.tensor([0.0, 0.15, 0.3, 0.9])
    assert torch.equal(train.det_target(CONFIG, alpha), alpha)  # the default: α itself
    presence = train.det_target(dataclasses.replace(CONFIG, det_alpha_full=0.3), alpha)
    assert torch.allclose(presence, torch.tensor([0.0, 0.5, 1.0, 1.0]))


def test_train_checkpoint_resume_export():
    need_photos()
    cfg = smoke_config()
    run = train.ROOT / "runs" / cfg.name
    shutil.rmtree(run, ignore_errors=True)
    trainer = train.Trainer(cfg, fresh=True)
    trainer.fit()
    assert trainer.step == cfg.max_steps
    ck = models.read_checkpoint(run / "best-detector.pt")
    assert ck["args"]["widths"] and ck["config"]["name"] == cfg.name  # enough to rebuild the model
    resumed = train.Trainer(dataclasses.replace(cfg, max_steps=cfg.max_steps + 2))
    assert resumed.step == cfg.max_steps
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("detector", "remover"):
            model, _ = export.load_checkpoint(run / f"best-{kind}.pt", kind)
            path = Path(tmp) / f"wm-{kind}.onnx"
            export.export_onnx(model, kind, path)
            if shutil.which("node"):
                assert export.parity(model, kind, path) <= export.PARITY_ATOL
    shutil.rmtree(run, ignore_errors=True)


def test_remover_leaves_outside_untouched():
    from models import build
    for prior, gate in (("", ""), ("pushpull", ""), ("pushpull", "learned")):
        rem = build("remover", {**CONFIG.remover, "prior": prior, "gate": gate}).eval()
        img, mask = torch.rand(1, 3, 64, 96), torch.zeros(1, 1, 64, 96)
        mask[..., 10:30, 20:50] = 1
        with torch.no_grad():
            out = rem(img, mask)
        assert torch.equal(out[mask.expand_as(out) == 0], img[mask.expand_as(img) == 0])


def test_pushpull_prior():
    from models import build, pushpull
    mask = torch.zeros(1, 1, 64, 96)
    mask[..., 8:40, 20:70] = 1
    # A flat colour is filled exactly; a horizontal ramp is filled between its two sides.
    flat = torch.tensor([0.2, 0.5, 0.9]).view(1, 3, 1, 1).expand(1, 3, 64, 96)
    assert (pushpull(flat, mask) - flat).abs().max() < 1e-4
    ramp = torch.linspace(0, 1, 96).view(1, 1, 1, 96).expand(1, 3, 64, 96)
    filled = pushpull(ramp, mask)
    inside = filled[0, 0, 8:40, 20:70]
    assert inside.min() >= ramp[0, 0, 0, 19] - 0.05 and inside.max() <= ramp[0, 0, 0, 70] + 0.05
    assert inside[:, -5:].mean() > inside[:, :5].mean() + 0.2  # it follows the ramp, not one flat mean
    # With nothing known, the prior is mid-grey rather than a division by zero.
    assert torch.allclose(pushpull(flat, torch.ones(1, 1, 64, 96)), torch.full((1, 3, 64, 96), 0.5), atol=1e-3)
    # An untrained v2 remover is exactly that inpainter inside the mask (it starts there, not at the identity).
    rem = build("remover", CONFIG.remover).eval()
    assert rem.args.prior == "pushpull" and rem.args.gate == "learned"
    img = torch.rand(1, 3, 64, 96)
    with torch.no_grad():
        out = rem(img, mask)
    expect = mask * pushpull(img, mask) + (1 - mask) * img
    assert (out - expect).abs().max() < 1e-5


def test_load_overlapping_keeps_what_fits():
    from models import build
    old = build("remover", {**CONFIG.remover, "gate": ""})
    new = build("remover", CONFIG.remover)  # one more output channel (the gate)
    with torch.no_grad():  # both start with a zero last layer: make the old one tell apart
        for p in old.parameters():
            p.normal_()
    train.load_overlapping(new, old.state_dict())
    w_old, w_new = old.net.full[-1].weight, new.net.full[-1].weight
    assert w_new.shape[0] == w_old.shape[0] + 1
    assert torch.equal(w_new[:7], w_old) and torch.equal(new.net.stem[0].weight, old.net.stem[0].weight)
    assert new.net.full[-1].bias[7].item() == -3.0  # the new channel keeps its own initialisation


def test_metrics():
    a = np.random.default_rng(0).random((32, 32, 3)).astype(np.float32)
    assert evaluation.psnr(a, a) == evaluation.PSNR_CAP
    assert abs(evaluation.ssim(a, a) - 1) < 1e-6
    m = np.zeros((32, 32), np.float32); m[:8] = 1
    b = a.copy(); b[8:] = 0
    assert evaluation.psnr(b, a, m) == evaluation.PSNR_CAP  # differences outside the mask do not count
    s = evaluation.mask_scores(m > 0, m > 0)
    assert s["iou"] == 1 and s["f1"] == 1


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            fn()
            print("ok", name)
