#ifndef LB_CZLIB_SHIM_H
#define LB_CZLIB_SHIM_H
#include <zlib.h>
#endif
