/*
 * The native limit for the GMM problem: ADBench's objective and a hand-derived reverse-mode
 * gradient in plain C (compiled with cc -O3), timed by this program itself.
 *
 *   gmm DATA OUT WARMUP_MS BUDGET_MS SAMPLE_MS MIN_SAMPLES MAX_SAMPLES
 *
 * DATA: little-endian doubles [count, len_1 .. len_count, array_1 .. array_count] holding the
 * objective's arguments (alphas, means, icf, x, d, K, n, gamma, m). OUT receives the gradient
 * (alphas, means, icf concatenated). Per-call times in ms are printed as JSON on stdout.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const double ADBENCH_PI = 3.14159265359;

static double log_gamma_distrib(double a, int p) {
  double out = 0.25 * p * (p - 1) * log(ADBENCH_PI);
  for (int j = 1; j <= p; j++) out += lgamma(a + 0.5 * (1 - j));
  return out;
}

static double objective(const double *alphas, const double *means, const double *icf, const double *x,
                        int d, int K, int n, double gamma, double m, double *qdiag, double *sumq,
                        double *xc, double *main_term) {
  int icf_sz = d * (d + 1) / 2;
  for (int k = 0; k < K; k++) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double q = icf[k * icf_sz + j];
      qdiag[k * d + j] = exp(q);
      s += q;
    }
    sumq[k] = s;
  }
  double slse = 0;
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < K; k++) {
      const double *mu = means + k * d, *L = icf + k * icf_sz + d, *qd = qdiag + k * d;
      double *z = xc + d; /* second half of the scratch */
      for (int j = 0; j < d; j++) {
        xc[j] = x[i * d + j] - mu[j];
        z[j] = qd[j] * xc[j];
      }
      int idx = 0;
      for (int l = 0; l < d; l++)
        for (int j = l + 1; j < d; j++) z[j] += L[idx++] * xc[l];
      double sq = 0;
      for (int j = 0; j < d; j++) sq += z[j] * z[j];
      main_term[k] = alphas[k] + sumq[k] - 0.5 * sq;
    }
    double mx = main_term[0];
    for (int k = 1; k < K; k++) if (main_term[k] > mx) mx = main_term[k];
    double se = 0;
    for (int k = 0; k < K; k++) se += exp(main_term[k] - mx);
    slse += mx + log(se);
  }
  double amax = alphas[0];
  for (int k = 1; k < K; k++) if (alphas[k] > amax) amax = alphas[k];
  double ase = 0;
  for (int k = 0; k < K; k++) ase += exp(alphas[k] - amax);
  double lse_alphas = amax + log(ase);
  double constant = -n * d * 0.5 * log(2 * ADBENCH_PI);
  double err = constant + slse - n * lse_alphas;
  double nw = d + m + 1;
  double C = nw * d * (log(gamma) - 0.5 * log(2.0)) - log_gamma_distrib(0.5 * nw, d);
  double prior = 0;
  for (int k = 0; k < K; k++) {
    double frob = 0;
    for (int j = 0; j < d; j++) frob += qdiag[k * d + j] * qdiag[k * d + j];
    for (int l = d; l < icf_sz; l++) frob += icf[k * icf_sz + l] * icf[k * icf_sz + l];
    prior += 0.5 * gamma * gamma * frob - m * sumq[k];
  }
  return err + prior - K * C;
}

static void gradient(const double *alphas, const double *means, const double *icf, const double *x,
                     int d, int K, int n, double gamma, double m, double *g_alphas, double *g_means,
                     double *g_icf, double *qdiag, double *sumq, double *xcs, double *zs,
                     double *main_term, double *gxc) {
  int icf_sz = d * (d + 1) / 2;
  memset(g_alphas, 0, sizeof(double) * K);
  memset(g_means, 0, sizeof(double) * K * d);
  memset(g_icf, 0, sizeof(double) * K * icf_sz);
  for (int k = 0; k < K; k++) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      double q = icf[k * icf_sz + j];
      qdiag[k * d + j] = exp(q);
      s += q;
    }
    sumq[k] = s;
  }
  for (int i = 0; i < n; i++) {
    const double *xi = x + i * d;
    for (int k = 0; k < K; k++) {
      const double *mu = means + k * d, *L = icf + k * icf_sz + d, *qd = qdiag + k * d;
      double *xc = xcs + k * d, *z = zs + k * d;
      for (int j = 0; j < d; j++) {
        xc[j] = xi[j] - mu[j];
        z[j] = qd[j] * xc[j];
      }
      int idx = 0;
      for (int l = 0; l < d; l++)
        for (int j = l + 1; j < d; j++) z[j] += L[idx++] * xc[l];
      double sq = 0;
      for (int j = 0; j < d; j++) sq += z[j] * z[j];
      main_term[k] = alphas[k] + sumq[k] - 0.5 * sq;
    }
    double mx = main_term[0];
    for (int k = 1; k < K; k++) if (main_term[k] > mx) mx = main_term[k];
    double se = 0;
    for (int k = 0; k < K; k++) {
      main_term[k] = exp(main_term[k] - mx);
      se += main_term[k];
    }
    double inv = 1.0 / se;
    for (int k = 0; k < K; k++) {
      double w = main_term[k] * inv;
      const double *L = icf + k * icf_sz + d, *qd = qdiag + k * d;
      double *xc = xcs + k * d, *z = zs + k * d, *gi = g_icf + k * icf_sz, *gL = gi + d;
      g_alphas[k] += w;
      for (int j = 0; j < d; j++) {
        double gz = -w * z[j];
        z[j] = gz;
        gi[j] += w + gz * xc[j] * qd[j];
        gxc[j] = gz * qd[j];
      }
      int idx = 0;
      for (int l = 0; l < d; l++) {
        double c = xc[l], acc = 0;
        for (int j = l + 1; j < d; j++) {
          gL[idx] += z[j] * c;
          acc += z[j] * L[idx];
          idx++;
        }
        gxc[l] += acc;
      }
      for (int j = 0; j < d; j++) g_means[k * d + j] -= gxc[j];
    }
  }
  double amax = alphas[0];
  for (int k = 1; k < K; k++) if (alphas[k] > amax) amax = alphas[k];
  double ase = 0;
  for (int k = 0; k < K; k++) ase += exp(alphas[k] - amax);
  for (int k = 0; k < K; k++) g_alphas[k] -= n * exp(alphas[k] - amax) / ase;
  double g2 = gamma * gamma;
  for (int k = 0; k < K; k++) {
    double *gi = g_icf + k * icf_sz;
    for (int j = 0; j < d; j++) {
      double e = qdiag[k * d + j];
      gi[j] += g2 * e * e - m;
    }
    for (int l = d; l < icf_sz; l++) gi[l] += g2 * icf[k * icf_sz + l];
  }
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Data shared with the timed closures. */
static double *A[16];
static long LEN[16];
static double *ws[8];
static double *gout;
static volatile double sink;

static void run_objective(void) {
  int d = (int)A[4][0], K = (int)A[5][0], n = (int)A[6][0];
  sink = objective(A[0], A[1], A[2], A[3], d, K, n, A[7][0], A[8][0], ws[0], ws[1], ws[2], ws[3]);
}

static void run_gradient(void) {
  int d = (int)A[4][0], K = (int)A[5][0], n = (int)A[6][0];
  int icf_sz = d * (d + 1) / 2;
  gradient(A[0], A[1], A[2], A[3], d, K, n, A[7][0], A[8][0], gout, gout + K, gout + K + K * d,
           ws[0], ws[1], ws[4], ws[5], ws[3], ws[6]);
  (void)icf_sz;
  sink = gout[0];
}

static void time_it(const char *name, void (*fn)(void), double warmup, double budget, double sample,
                    int min_s, int max_s, int last) {
  double t0 = now_ms(), single = 1e300;
  do {
    double a = now_ms();
    fn();
    double el = now_ms() - a;
    if (el < single) single = el; /* the fastest warm-up call sets the batch size */
  } while (now_ms() - t0 < warmup);
  long batch = single > 0 ? (long)(sample / single) : 1;
  if (batch < 1) batch = 1;
  double *samples = malloc(sizeof(double) * (max_s > min_s ? max_s : min_s));
  int count = 0;
  t0 = now_ms();
  while (count < min_s || (count < max_s && now_ms() - t0 < budget)) {
    double a = now_ms();
    for (long b = 0; b < batch; b++) fn();
    samples[count++] = (now_ms() - a) / batch;
  }
  printf("\"%s\": {\"batch\": %ld, \"samples\": [", name, batch);
  for (int i = 0; i < count; i++) printf("%s%.9g", i ? ", " : "", samples[i]);
  printf("]}%s\n", last ? "" : ",");
  free(samples);
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: gmm DATA OUT WARMUP_MS BUDGET_MS SAMPLE_MS MIN_SAMPLES MAX_SAMPLES\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  double count_d;
  if (fread(&count_d, sizeof(double), 1, f) != 1) return 1;
  int count = (int)count_d;
  if (count != 9) { fprintf(stderr, "expected 9 arrays, got %d\n", count); return 1; }
  double lens[16];
  if (fread(lens, sizeof(double), count, f) != (size_t)count) return 1;
  for (int i = 0; i < count; i++) {
    LEN[i] = (long)lens[i];
    A[i] = malloc(sizeof(double) * (LEN[i] > 0 ? LEN[i] : 1));
    if (fread(A[i], sizeof(double), LEN[i], f) != (size_t)LEN[i]) { fprintf(stderr, "short read\n"); return 1; }
  }
  fclose(f);
  int d = (int)A[4][0], K = (int)A[5][0];
  int icf_sz = d * (d + 1) / 2;
  ws[0] = malloc(sizeof(double) * K * d);  /* qdiag */
  ws[1] = malloc(sizeof(double) * K);      /* sumq */
  ws[2] = malloc(sizeof(double) * 2 * d);  /* xc and z (objective) */
  ws[3] = malloc(sizeof(double) * K);      /* main term */
  ws[4] = malloc(sizeof(double) * K * d);  /* xcs */
  ws[5] = malloc(sizeof(double) * K * d);  /* zs */
  ws[6] = malloc(sizeof(double) * d);      /* gxc */
  long gn = K + K * d + K * icf_sz;
  gout = malloc(sizeof(double) * gn);

  run_gradient();
  FILE *o = fopen(argv[2], "wb");
  if (!o) { perror(argv[2]); return 1; }
  fwrite(gout, sizeof(double), gn, o);
  fclose(o);

  double warmup = atof(argv[3]), budget = atof(argv[4]), sample = atof(argv[5]);
  int min_s = atoi(argv[6]), max_s = atoi(argv[7]);
  run_objective();
  printf("{\"value\": %.17g,\n", (double)sink);
  time_it("objective", run_objective, warmup, budget, sample, min_s, max_s, 0);
  time_it("gradient", run_gradient, warmup, budget, sample, min_s, max_s, 1);
  printf("}\n");
  return 0;
}
