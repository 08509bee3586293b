/* stale.h - 02-ipc's sweep of the queues killed runs left; see stale.c. */
#ifndef NSLAB_02_STALE_H
#define NSLAB_02_STALE_H

/* Remove the queues of default key and name whose run is gone. */
void stale_sweep(void);

#endif
