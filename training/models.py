"""Two small depthwise-separable U-Nets.

Detector:  image (B,3,H,W) -> alpha (B,1,H,W) in [0,1], kind_logits (B,3,H,W)
Remover:   image (B,3,H,W), mask (B,1,H,W) -> clean (B,3,H,W)
H and W must be multiples of 32 (five stride-2 stages). Most FLOPs sit at 1/2..1/32
resolution; only one thin block runs at full resolution, for sharp edges of thin text.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


class DSConv(nn.Sequential):
    """Depthwise 3x3 (optionally strided / dilated) + BN + ReLU, pointwise 1x1 + BN + ReLU."""

    def __init__(self, cin: int, cout: int, stride: int = 1, dilation: int = 1):
        super().__init__(
            nn.Conv2d(cin, cin, 3, stride, padding=dilation, dilation=dilation, groups=cin, bias=False),
            nn.BatchNorm2d(cin), nn.ReLU(inplace=True),
            nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        )


class UNet(nn.Module):
    """Encoder at 1/2 .. 1/32, decoder back to 1/2, then one full-resolution block that sees the input."""

    def __init__(self, cin: int, cout: int, widths: tuple[int, ...], full_res: int):
        super().__init__()
        assert len(widths) == 5
        self.stem = nn.Sequential(nn.Conv2d(cin, widths[0], 3, 2, 1, bias=False), nn.BatchNorm2d(widths[0]),
                                  nn.ReLU(inplace=True), DSConv(widths[0], widths[0]))
        self.down = nn.ModuleList(
            nn.Sequential(DSConv(widths[i], widths[i + 1], stride=2), DSConv(widths[i + 1], widths[i + 1]))
            for i in range(4))
        # Dilated blocks at 1/32 widen the receptive field (inpainting of opaque marks needs context).
        self.mid = nn.Sequential(DSConv(widths[4], widths[4], dilation=2), DSConv(widths[4], widths[4], dilation=4))
        self.up = nn.ModuleList(DSConv(widths[i + 1] + widths[i], widths[i]) for i in reversed(range(4)))
        self.full = nn.Sequential(DSConv(widths[0] + cin, full_res), nn.Conv2d(full_res, cout, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = [self.stem(x)]                      # (B, w0, H/2, W/2)
        for d in self.down:
            skips.append(d(skips[-1]))              # ... (B, w4, H/32, W/32)
        y = self.mid(skips[-1])
        for i, u in zip(reversed(range(4)), self.up):
            y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)
            y = u(torch.cat([y, skips[i]], 1))      # (B, w_i, H/2^(i+1), ...)
        y = F.interpolate(y, scale_factor=2.0, mode="bilinear", align_corners=False)  # (B, w0, H, W)
        return self.full(torch.cat([y, x], 1))      # (B, cout, H, W)


@dataclass
class DetectorArgs:
    widths: tuple[int, ...] = (16, 24, 40, 64, 96)
    full_res: int = 16
    n_kinds: int = 3


class Detector(nn.Module):
    def __init__(self, args: DetectorArgs):
        super().__init__()
        self.args = args
        self.net = UNet(3, 1 + args.n_kinds, args.widths, args.full_res)

    def forward(self, image: torch.Tensor):
        out = self.net(image * 2 - 1)               # (B, 1 + K, H, W)
        return torch.sigmoid(out[:, :1]), out[:, 1:]  # alpha (B,1,H,W), kind_logits (B,K,H,W)


def pushpull(image: torch.Tensor, mask: torch.Tensor, levels: int = 5) -> torch.Tensor:
    """Fill the masked pixels of `image` from the unmasked ones (push-pull / pyramid normalised
    convolution). Unmasked pixels come back unchanged; holes get the mean of the nearest known
    pixels, coarser where the hole is larger. Fully masked inputs get the global mean (0.5 if
    nothing is known). Only AvgPool, Resize and arithmetic: it exports to ONNX inside the model,
    so the browser, the CLI and training all compute the same prior. H, W: multiples of 2^levels.
    """
    w = 1 - mask                                              # (B, 1, H, W) known-pixel weight
    ps, ws = [image * w], [w]
    for _ in range(levels):                                   # push: premultiplied means, coarser
        ps.append(F.avg_pool2d(ps[-1], 2)); ws.append(F.avg_pool2d(ws[-1], 2))
    g = (ps[0].sum((2, 3), keepdim=True) + 5e-4) / (ws[0].sum((2, 3), keepdim=True) + 1e-3)  # (B, 3, 1, 1)
    c = (ps[-1] + g * 1e-3) / (ws[-1] + 1e-3)                 # coarsest level, empty cells -> g
    for k in reversed(range(levels)):                         # pull: a cell trusts its own mean once
        up = F.interpolate(c, scale_factor=2.0, mode="bilinear", align_corners=False)
        a = torch.clamp(ws[k] * 4, 0, 1)                      # >= 25% of it is known, else the coarser one
        c = a * ps[k] / (ws[k] + 1e-6) + (1 - a) * up
    return c                                                  # (B, 3, H, W)


@dataclass
class RemoverArgs:
    widths: tuple[int, ...] = (24, 32, 48, 72, 112)
    full_res: int = 24
    gate_lo: float = 0.8    # α̂ where the inpainting branch starts to take over from the inversion
    gate_hi: float = 0.95   # α̂ where it has fully taken over (inversion divides by ~0.05 there)
    # "": v1, the net sees [J, mask] and paints the fill itself (cpu run, 2026-11-26-2796).
    # "pushpull": v2, the graph first fills the mask by push-pull (B); the net sees [J, mask, B, J − B],
    # its fill is B plus a residual, and it starts as that inpainter (α̂ bias high => gate on the fill)
    # instead of at the identity plateau. J − B is where the mark shows: α(W − I) ≈ J − B.
    prior: str = ""
    # "": the output is the inversion, handed to the fill only where α̂ > gate_lo (v1, first v2 run).
    # "learned": a 8th output channel g decides per pixel between the inversion and the fill, and
    # starts at the fill (g ≈ 0.05). Why: in the first v2 run a wrong α̂ or Ŵ made the inversion
    # worse than the push-pull fill it started from (val fPSNR 16.2 -> 11.7); the net should only
    # invert where it has learned that inverting beats inpainting.
    gate: str = ""


class Remover(nn.Module):
    """Predicts α̂ and Ŵ, inverts the blend, blends with an inpainting branch as α̂ -> 1."""

    def __init__(self, args: RemoverArgs):
        super().__init__()
        self.args = args
        cout = 8 if args.gate else 7                          # α̂ logit, Ŵ (3), fill (3)[, gate logit]
        self.net = UNet(10 if args.prior else 4, cout, args.widths, args.full_res)
        if args.prior:
            last = self.net.full[-1]
            nn.init.zeros_(last.weight)
            with torch.no_grad():
                last.bias.zero_(); last.bias[0] = 3.0             # α̂ = 0.95: output = fill = B at step 0
                if args.gate:
                    last.bias[7] = -3.0                           # g = 0.05: output ≈ fill at step 0

    def forward(self, image: torch.Tensor, mask: torch.Tensor, return_parts: bool = False):
        if self.args.prior:
            prior = pushpull(image, mask)                          # (B, 3, H, W)
            x = torch.cat([image * 2 - 1, mask, prior * 2 - 1, (image - prior) * 2], 1)
        else:
            x = torch.cat([image * 2 - 1, mask], 1)
        out = self.net(x)                                     # (B, 7 or 8 with the gate, H, W)
        alpha = torch.sigmoid(out[:, :1]) * mask              # (B, 1, H, W); nothing changes outside the mask
        colour = torch.sigmoid(out[:, 1:4])                   # (B, 3, H, W) Ŵ
        if self.args.prior:
            fill = torch.clamp(prior + out[:, 4:7], 0, 1)     # (B, 3, H, W) push-pull + learned residual
        else:
            fill = torch.sigmoid(out[:, 4:7])                 # (B, 3, H, W) inpainted estimate
        inv = torch.clamp((image - alpha * colour) / torch.clamp(1 - alpha, min=0.02), 0, 1)
        gate = torch.clamp((alpha - self.args.gate_lo) / (self.args.gate_hi - self.args.gate_lo), 0, 1)
        if self.args.gate:
            gate = 1 - (1 - gate) * torch.sigmoid(out[:, 7:8])  # the fill wherever α̂ is high or g is low
        pred = inv * (1 - gate) + fill * gate
        clean = mask * pred + (1 - mask) * image              # (B, 3, H, W)
        if return_parts:
            return clean, alpha, colour, fill, inv, gate
        return clean


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def build(kind: str, args: dict | None = None) -> nn.Module:
    if kind == "detector":
        a = DetectorArgs(**{k: tuple(v) if isinstance(v, list) else v for k, v in (args or {}).items()})
        return Detector(a)
    a = RemoverArgs(**{k: tuple(v) if isinstance(v, list) else v for k, v in (args or {}).items()})
    return Remover(a)


def read_checkpoint(path) -> dict:
    """A checkpoint of ours, on the CPU. They hold configs and model args beside the tensors, which
    torch >= 2.6 refuses by default (weights_only=True; a lent GPU has 2.11)."""
    return torch.load(path, map_location="cpu", weights_only=False)


def model_args(m: nn.Module) -> dict:
    return asdict(m.args)


if __name__ == "__main__":
    import time
    torch.set_num_threads(2)
    for kind in ("detector", "remover"):
        m = build(kind).eval()
        x = torch.rand(1, 3, 512, 512)
        with torch.no_grad():
            t = time.time()
            y = m(x) if kind == "detector" else m(x, torch.ones(1, 1, 512, 512))
            print(kind, count_params(m), f"{time.time() - t:.3f}s @512²")
