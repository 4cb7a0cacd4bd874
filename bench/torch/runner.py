"""PyTorch peer for the cotangent benchmark (float64, one thread).

usage: python3 runner.py MANIFEST.json

The manifest lists jobs: {"id", "problem", "data", "out", "warmupMs", "budgetMs", "sampleMs",
"minSamples", "maxSamples", "slowMinSamples", "capMs"}. DATA holds the objective's arguments as little-endian doubles
[count, len_1 .. len_count, array_1 .. array_count]; numbers are arrays of length 1. For each job
the gradient (wrt arguments concatenated) is written to OUT and one JSON line with per-call times
(ms) is printed.
"""
import json
import math
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
ADBENCH_PI = 3.14159265359


def load(path):
    raw = np.fromfile(path, dtype="<f8")
    count = int(raw[0])
    lens = [int(v) for v in raw[1 : 1 + count]]
    arrays, pos = [], 1 + count
    for n in lens:
        arrays.append(raw[pos : pos + n].copy())
        pos += n
    return arrays


def t(a, requires_grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad)


def rosenbrock(a):
    x = t(a[0], True)

    def f(x):
        head, tail = x[:-1], x[1:]
        return (100 * (tail - head * head) ** 2 + (1 - head) ** 2).sum()

    return [x], f


def tiny(a):
    x, y = t(a[0][0], True), t(a[1][0], True)
    return [x, y], lambda x, y: x * y + torch.sin(x) * torch.exp(-y * y)


def logreg(a):
    n, d, lam = int(a[4][0]), int(a[5][0]), float(a[6][0])
    w, b = t(a[0], True), t(a[1][0], True)
    X, y = t(a[2]).reshape(n, d), t(a[3])

    def f(w, b):
        z = X @ w + b
        return (torch.nn.functional.softplus(z) - y * z).mean() + 0.5 * lam * (w * w).sum()

    return [w, b], f


def mlp(a):
    batch, n_in, n_hid, n_out = (int(a[i][0]) for i in range(6, 10))
    W1 = t(a[0]).reshape(n_hid, n_in).requires_grad_()
    b1 = t(a[1], True)
    W2 = t(a[2]).reshape(n_out, n_hid).requires_grad_()
    b2 = t(a[3], True)
    X = t(a[4]).reshape(batch, n_in)
    labels = torch.tensor(a[5].astype(np.int64))

    def f(W1, b1, W2, b2):
        h = torch.tanh(X @ W1.T + b1)
        logits = h @ W2.T + b2
        return torch.nn.functional.cross_entropy(logits, labels)

    return [W1, b1, W2, b2], f


def spring(a):
    p = t(a[0], True)
    obs = [float(v) for v in a[1]]
    steps, dt = int(a[2][0]), float(a[3][0])
    forcing = [0.5 * math.sin(1.3 * i * dt) for i in range(steps)]

    def f(p):
        k, c, x, v = p[0], p[1], p[2], p[3]
        loss = 0
        for i in range(steps):
            force = -k * x - c * v + forcing[i]
            x = x + dt * v
            v = v + dt * force
            loss = loss + (x - obs[i]) ** 2
        return loss * dt

    return [p], f


def packed_index(d):
    icf_sz = d * (d + 1) // 2
    index = np.full(d * d, icf_sz, dtype=np.int64)
    diag = np.zeros(d * d)
    for j in range(d):
        index[j * d + j] = j
        diag[j * d + j] = 1
    idx = d
    for l in range(d):
        for j in range(l + 1, d):
            index[j * d + l] = idx
            idx += 1
    return torch.tensor(index), torch.tensor(diag).reshape(d, d)


def gmm(a):
    d, K, n = int(a[4][0]), int(a[5][0]), int(a[6][0])
    gamma, m = float(a[7][0]), float(a[8][0])
    icf_sz = d * (d + 1) // 2
    alphas = t(a[0], True)
    means = t(a[1]).reshape(K, d).requires_grad_()
    icf = t(a[2]).reshape(K, icf_sz).requires_grad_()
    x = t(a[3]).reshape(n, d)
    index, diag = packed_index(d)
    nw = d + m + 1
    C = nw * d * (math.log(gamma) - 0.5 * math.log(2)) - (
        0.25 * d * (d - 1) * math.log(ADBENCH_PI) + sum(math.lgamma(0.5 * nw + 0.5 * (1 - j)) for j in range(1, d + 1))
    )
    c0 = -n * d * 0.5 * math.log(2 * ADBENCH_PI) - K * C
    zero = torch.zeros(K, 1)

    def f(alphas, means, icf):
        g = torch.cat([icf, zero], 1)[:, index].reshape(K, d, d)
        Q = torch.exp(g) * diag + g * (1 - diag)
        logdiag = icf[:, :d]
        sum_q = logdiag.sum(1)
        xc = x.unsqueeze(0) - means.unsqueeze(1)  # K x n x d
        z = xc @ Q.transpose(1, 2)
        main = (alphas + sum_q).unsqueeze(1) - 0.5 * (z * z).sum(2)
        ll = torch.logsumexp(main, 0).sum() - n * torch.logsumexp(alphas, 0)
        frob = torch.exp(2 * logdiag).sum(1) + (icf[:, d:] ** 2).sum(1)
        prior = (0.5 * gamma * gamma * frob - m * sum_q).sum()
        return ll + prior + c0

    return [alphas, means, icf], f


def ba(a):
    p = int(a[6][0])
    n_cams, n_pts = len(a[0]) // 11, len(a[1]) // 3
    cams = t(a[0]).reshape(n_cams, 11).requires_grad_()
    X = t(a[1]).reshape(n_pts, 3).requires_grad_()
    w = t(a[2], True)
    feats = t(a[3]).reshape(p, 2)
    ci = torch.tensor(a[4].astype(np.int64))
    pi = torch.tensor(a[5].astype(np.int64))

    def f(cams, X, w):
        C = cams[ci]
        pt = X[pi] - C[:, 3:6]
        rot = C[:, 0:3]
        theta = torch.sqrt((rot * rot).sum(1, keepdim=True))  # > 0 in this data
        k = rot / theta
        ct, st = torch.cos(theta), torch.sin(theta)
        r = pt * ct + torch.cross(k, pt, dim=1) * st + k * ((1 - ct) * (k * pt).sum(1, keepdim=True))
        uv = r[:, 0:2] / r[:, 2:3]
        rsq = (uv * uv).sum(1, keepdim=True)
        L = 1 + C[:, 9:10] * rsq + C[:, 10:11] * rsq * rsq
        proj = uv * L * C[:, 6:7] + C[:, 7:9]
        e = w.unsqueeze(1) * (proj - feats)
        ew = 1 - w * w
        return (e * e).sum() + (ew * ew).sum()

    return [cams, X, w], f


PROBLEMS = {"rosenbrock": rosenbrock, "tiny": tiny, "logreg": logreg, "mlp": mlp, "spring": spring, "gmm": gmm, "ba": ba}


def measure(fn, job, first_ms):
    """Warm-up, then samples of batched calls; mirrors bench/lib/measure.ts."""
    if first_ms > job["capMs"]:
        # one call is over the mode's cap: report that single cold call
        return {"batch": 1, "samples": [first_ms], "capped": True}
    t0 = time.perf_counter()
    single = float("inf")
    while True:
        a = time.perf_counter()
        fn()
        single = min(single, (time.perf_counter() - a) * 1e3)
        if (time.perf_counter() - t0) * 1e3 >= job["warmupMs"]:
            break
    slow = single * 3 > job["budgetMs"]
    batch = 1 if slow else max(1, int(job["sampleMs"] / max(single, 1e-6)))
    min_samples = job["slowMinSamples"] if slow else job["minSamples"]
    max_samples = job["slowMinSamples"] if slow else job["maxSamples"]
    samples = []
    t0 = time.perf_counter()
    while len(samples) < min_samples or (len(samples) < max_samples and (time.perf_counter() - t0) * 1e3 < job["budgetMs"]):
        a = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - a) * 1e3 / batch)
    return {"batch": batch, "samples": samples}


def run(job):
    args = load(job["data"])
    params, f = PROBLEMS[job["problem"]](args)

    def gradient():
        loss = f(*params)
        return torch.autograd.grad(loss, params)

    a = time.perf_counter()
    g = gradient()
    first = (time.perf_counter() - a) * 1e3
    np.concatenate([gi.detach().reshape(-1).numpy() for gi in g]).astype("<f8").tofile(job["out"])

    def objective():
        with torch.no_grad():
            return f(*params)

    a = time.perf_counter()
    objective()
    first_obj = (time.perf_counter() - a) * 1e3
    return {
        "id": job["id"],
        "firstCallMs": first,
        "gradient": measure(gradient, job, first),
        "objective": measure(objective, job, first_obj),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }


def main():
    with open(sys.argv[1]) as fh:
        jobs = json.load(fh)
    for job in jobs:
        try:
            result = run(job)
        except Exception as exc:  # report and go on with the next job
            result = {"id": job["id"], "error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
