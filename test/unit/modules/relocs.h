/* SPDX-License-Identifier: GPL-2.0 */
/* What the parts of the "relocs" test module share. */
#ifndef TEST_MODULES_RELOCS_H
#define TEST_MODULES_RELOCS_H

struct rm_op {
	const char *name;
	int (*fn)(int);
};

struct rm_big {
	u64 words[64];
};

int rm_twice(int x);
int rm_square(int x);
int rm_tail(int x);
int rm_more_fn(int x);
int rm_switch(int x, int y);
extern int rm_global;
extern int rm_counter;

#endif
