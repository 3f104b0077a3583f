/* The speed floor tensim is compared against: one single-threaded OpenBLAS sgemm of M x K x N.
 * Prints the best wall time of a few runs in seconds. Built and run by tools/bench_speed.sh. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
    int m = argc > 1 ? atoi(argv[1]) : 2048, k = argc > 2 ? atoi(argv[2]) : 2048,
        n = argc > 3 ? atoi(argv[3]) : 2048;
    float* a = malloc(sizeof(float) * m * k);
    float* b = malloc(sizeof(float) * k * n);
    float* c = malloc(sizeof(float) * m * n);
    for (long i = 0; i < (long)m * k; ++i) a[i] = (float)(i % 97) / 97.0f;
    for (long i = 0; i < (long)k * n; ++i) b[i] = (float)(i % 89) / 89.0f;
    double best = 1e30;
    for (int r = 0; r < 3; ++r) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c,
                    n);
        double t = now() - t0;
        if (t < best) best = t;
    }
    printf("%.6f\n", best);
    free(a);
    free(b);
    free(c);
    return 0;
}
