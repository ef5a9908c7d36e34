/* SPDX-License-Identifier: MIT */
/* A small real program for the Cachegrind oracle test: a blocked matrix multiply, a pointer-chasing list
 * walk and a sort, so that the trace mixes strided, random and sequential data accesses. */
#include <stdio.h>
#include <stdlib.h>

#define N 48

struct node {
    struct node *next;
    long value;
};

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    static double a[N][N], b[N][N], c[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = i + j;
            b[i][j] = i - j;
        }
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++)
            for (int j = 0; j < N; j++)
                c[i][j] += a[i][k] * b[k][j];

    enum { NODES = 4096 };
    struct node *nodes = malloc(NODES * sizeof *nodes);
    unsigned seed = 12345;
    for (int i = 0; i < NODES; i++)
        nodes[i].value = i;
    for (int i = 0; i < NODES; i++) {      /* a random cycle through all nodes */
        seed = seed * 1103515245u + 12345u;
        int j = (int)(seed % NODES);
        struct node t = nodes[i];
        nodes[i].value = nodes[j].value;
        nodes[j].value = t.value;
    }
    for (int i = 0; i < NODES; i++)
        nodes[i].next = &nodes[nodes[i].value];
    long sum = 0;
    struct node *p = &nodes[0];
    for (int i = 0; i < 4 * NODES; i++) {
        sum += p->value;
        p = p->next;
    }

    long *v = malloc(8192 * sizeof *v);
    for (int i = 0; i < 8192; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = seed;
    }
    qsort(v, 8192, sizeof *v, cmp_long);
    printf("%f %ld %ld\n", c[N / 2][N / 3], sum, v[4096]);
    free(v);
    free(nodes);
    return 0;
}
