"""Encoder settings for the re-encoded pieces: the master's own x264 options, or a match of it."""

from __future__ import annotations

from media_assets.clipping.index import MasterIndex


class Unsupported(Exception):
    """Smart cut cannot reproduce this master's parameter sets; the reason is the message."""


# x264's SEI names that x264_param_parse takes under another name.
X264_RENAMES = {
    "mixed_ref": "mixed-refs",
    "me_range": "merange",
    "keyint_min": "min-keyint",
    "ip_ratio": "ipratio",
    "pb_ratio": "pbratio",
    "rc_lookahead": "rc-lookahead",
}
# Encoder-only settings we pass on as they are (their names with dashes).
X264_PASSED = {
    "cabac", "ref", "me", "subme", "psy", "mixed_ref", "me_range", "chroma_me", "trellis",
    "8x8dct", "fast_pskip", "chroma_qp_offset", "nr", "bluray_compat",
    "constrained_intra", "bframes", "b_pyramid", "b_adapt", "b_bias", "weightb", "open_gop",
    "weightp", "keyint", "keyint_min", "scenecut", "intra_refresh", "rc_lookahead",
    "mbtree", "qcomp", "qpmin", "qpmax", "qpstep", "ip_ratio", "pb_ratio", "cplxblur",
    "qblur", "vbv_maxrate", "vbv_bufsize", "nal_hrd", "filler", "crf", "bitrate", "qp",
    "sliced_threads", "slices", "fake_interlaced", "frame-packing", "ratetol",
}  # fmt: skip
HEAD_QP_MAX = 18
DIRECT_MODES = {"0": "none", "1": "spatial", "2": "temporal", "3": "auto"}
PROFILES = {
    "constrained baseline": "baseline",
    "baseline": "baseline",
    "main": "main",
    "high": "high",
    "high 10": "high10",
    "high 4:2:2": "high422",
    "high 4:4:4 predictive": "high444",
}


def x264_params(options: dict[str, str]) -> str:
    """The ``-x264-params`` that rebuild the stream a master's SEI describes, stitchable."""
    if not options:
        raise Unsupported("the master was not encoded by x264")
    if options.get("interlaced", "0") != "0":
        raise Unsupported("interlaced H.264")
    if options.get("cqm", "0") != "0":
        raise Unsupported("custom quantisation matrices")
    if options.get("open_gop", "0") != "0":
        raise Unsupported("open GOP")
    params = []
    for key, value in options.items():
        if key == "deblock":
            enabled, _sep, rest = value.partition(":")
            if enabled == "0":
                params.append("deblock=0")
            else:
                params.append("deblock=%s" % rest.replace(":", ","))
        elif key == "psy_rd":
            params.append("psy-rd=%s" % value.replace(":", ","))
        elif key == "aq":
            mode, _sep, strength = value.partition(":")
            params.append("aq-mode=%s" % mode)
            if strength:
                params.append("aq-strength=%s" % strength)
        elif key == "direct":
            params.append("direct=%s" % DIRECT_MODES.get(value, value))
        elif key == "qpmax":
            # the re-encoded frames must look like the master's decoded ones (the gate wants
            # 40 dB): cap their quantiser; qpmax is not part of the parameter sets
            params.append("qpmax=%d" % min(int(value or 69), HEAD_QP_MAX))
        elif key in X264_PASSED:
            params.append(
                "%s=%s" % (X264_RENAMES.get(key, key.replace("_", "-")), value)
            )
    if options.get("rc") not in ("crf", "cqp"):
        # with rate control by bit rate, the PPS's initial QP is fixed (26) only when stitchable;
        # with a constant quality it is derived from crf/qp, which we pass as the master had it
        params.append("stitchable=1")
    return ":".join(params)


def smart_video_args(index: MasterIndex) -> list[str]:
    """Ffmpeg output arguments for a head or tail that stitches into the master's stream."""
    if index.info.video_codec != "h264":
        raise Unsupported("codec %s" % (index.info.video_codec or "unknown"))
    if index.info.is_interlaced:
        raise Unsupported("interlaced")
    if index.open_gop:
        raise Unsupported("open GOP")
    if not index.parameter_sets:
        raise Unsupported("no parameter sets")
    args = ["-c:v", "libx264", "-x264-params", x264_params(index.x264_options)]
    profile = PROFILES.get(index.profile.lower())
    if profile:
        args += ["-profile:v", profile]
    if index.level:
        args += ["-level:v", "%d.%d" % divmod(index.level, 10)]
    return args + _common_video_args(index)


def _common_video_args(index: MasterIndex) -> list[str]:
    args = ["-r", _rate(index)]
    if index.pix_fmt:
        args += ["-pix_fmt", index.pix_fmt]
    names = {
        "color_range": "-color_range",
        "color_space": "-colorspace",
        "color_transfer": "-color_trc",
        "color_primaries": "-color_primaries",
    }
    for key, value in index.color.items():
        args += [names[key], value]
    return args


def _rate(index: MasterIndex) -> str:
    return "%d/%d" % (index.rate.numerator, index.rate.denominator)


# x264's preset for full re-encodes of H.264 masters (bench/clips.py may measure another).
REENCODE_PRESET = "veryfast"


def reencode_video_args(index: MasterIndex) -> tuple[list[str], str]:
    """A broadcast-grade match of the master: same size, rate, scan; at least its bit rate.

    Returns the ffmpeg arguments and the container the pieces need (MOV holds them all).
    """
    bit_rate = max(index.info.bit_rate or 0, 8_000_000)
    codec = index.info.video_codec
    interlaced = index.info.is_interlaced
    tff = index.info.scan_type != "interlaced_bff"
    rates = ["-b:v", str(bit_rate), "-maxrate", str(int(bit_rate * 1.5)),
             "-bufsize", str(bit_rate * 2)]  # fmt: skip
    if codec == "mpeg2video":
        args = ["-c:v", "mpeg2video", "-b:v", str(bit_rate), "-maxrate", str(bit_rate),
                "-bufsize", str(bit_rate // 2), "-g", "12", "-bf", "2"]  # fmt: skip
        if interlaced:
            args += ["-flags", "+ildct+ilme", "-top", "1" if tff else "0"]
    elif codec in ("prores", "dnxhd") or index.intra_only:
        args = ["-c:v", "prores_ks", "-profile:v", "3"]
        if interlaced:
            args += ["-flags", "+ildct", "-top", "1" if tff else "0"]
    else:
        params = ["keyint=%d" % max(1, round(index.rate))]
        if interlaced:
            params.append("tff=1" if tff else "bff=1")
        args = ["-c:v", "libx264", "-preset", REENCODE_PRESET, *rates,
                "-x264-params", ":".join(params)]  # fmt: skip
        if interlaced:
            args += ["-flags", "+ildct+ilme", "-top", "1" if tff else "0"]
    return args + _common_video_args(index), "mov"
