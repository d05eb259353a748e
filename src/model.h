/* model.h - TEMPORARY: the records and limits, until they move here from the store headers. */
#ifndef PP_MODEL_H
#define PP_MODEL_H
#include "store/store_apps.h"
#endif
