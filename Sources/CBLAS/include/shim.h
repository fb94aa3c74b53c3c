#ifndef PURR_CBLAS_SHIM_H
#define PURR_CBLAS_SHIM_H
#include <cblas.h>
#endif
