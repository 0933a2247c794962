# Compiler flags fixed by the SDK (DESIGN §4): the module loader's list of
# relocation types depends on them, so the nucleus, in-tree and
# out-of-tree modules all take them from here.
set(MODVISOR_ARCH_CFLAGS_arm64
	-ffreestanding -fno-pie -mno-outline-atomics -mgeneral-regs-only
	-mcpu=cortex-a57)
set(MODVISOR_MODULE_CFLAGS_arm64
	${MODVISOR_ARCH_CFLAGS_arm64}
	-fno-common -mcmodel=small -fno-asynchronous-unwind-tables
	-fno-unwind-tables
	-fno-stack-protector -fno-omit-frame-pointer -O2 -std=gnu11
	-Wall -Wextra)
