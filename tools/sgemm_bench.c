/* The speed floor tensim is compared against: one single-threaded OpenBLAS sgemm of M x K x N
 * (dgemm when built with -DGEMM_DOUBLE: the floor of tensim's fp64 reference). Prints the best
 * wall time of a few runs in seconds. Built and run by tools/bench_speed.sh. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef GEMM_DOUBLE
typedef double real;
#define GEMM cblas_dgemm
#else
typedef float real;
#define GEMM cblas_sgemm
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
    int m = argc > 1 ? atoi(argv[1]) : 2048, k = argc > 2 ? atoi(argv[2]) : 2048,
        n = argc > 3 ? atoi(argv[3]) : 2048;
    real* a = malloc(sizeof(real) * m * k);
    real* b = malloc(sizeof(real) * k * n);
    real* c = malloc(sizeof(real) * m * n);
    for (long i = 0; i < (long)m * k; ++i) a[i] = (real)(i % 97) / 97;
    for (long i = 0; i < (long)k * n; ++i) b[i] = (real)(i % 89) / 89;
    double best = 1e30;
    for (int r = 0; r < 3; ++r) {
        double t0 = now();
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
        double t = now() - t0;
        if (t < best) best = t;
    }
    printf("%.6f\n", best);
    free(a);
    free(b);
    free(c);
    return 0;
}
