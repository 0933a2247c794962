# Bare-metal arm64 test guest (test/guests/testguest): an EL1 program in
# the Linux Image format, linked at guest RAM 0x40000000 + text_offset
# 0x80000. Included from arch/arm64/target.cmake; produces
# ${CMAKE_BINARY_DIR}/guests/testguest.bin.
set(MV_TESTGUEST_DIR ${MV_SOURCE_DIR}/test/guests/testguest)

add_executable(testguest.elf
	${MV_TESTGUEST_DIR}/head.S
	${MV_TESTGUEST_DIR}/malicious_ops.S
	${MV_TESTGUEST_DIR}/fpu_ops.S
	${MV_TESTGUEST_DIR}/main.c
	${MV_TESTGUEST_DIR}/console.c
	${MV_TESTGUEST_DIR}/mmu.c
	${MV_TESTGUEST_DIR}/gic.c
	${MV_TESTGUEST_DIR}/psci.c
	${MV_TESTGUEST_DIR}/smp.c
	${MV_TESTGUEST_DIR}/tests.c
	${MV_TESTGUEST_DIR}/malicious.c
	${MV_TESTGUEST_DIR}/ptimer.c
	${MV_TESTGUEST_DIR}/fpu.c
	${MV_TESTGUEST_DIR}/echo.c
	${MV_TESTGUEST_DIR}/virtio.c
	${MV_TESTGUEST_DIR}/lib.c
	${MV_SOURCE_DIR}/nucleus/lib/string.c
	${MV_SOURCE_DIR}/nucleus/lib/printf.c)
target_include_directories(testguest.elf PRIVATE
	${MV_SOURCE_DIR}/module-sdk/include/libc
	${MV_SOURCE_DIR}/nucleus/include
	${MV_SOURCE_DIR}/module-sdk/include
	${MV_DEPS_DIR}/usr/include)
target_compile_options(testguest.elf PRIVATE
	${MV_ARCH_CFLAGS} -nostdinc -isystem ${MV_CC_INCLUDE}
	-O2 -g -Wall -Wextra -Werror -Wno-unused-parameter
	-fno-stack-protector -fno-tree-loop-distribute-patterns
	-fno-asynchronous-unwind-tables -fno-unwind-tables
	-ffunction-sections -fdata-sections)
target_link_options(testguest.elf PRIVATE
	-nostdlib -static -no-pie -Wl,--build-id=none -Wl,--gc-sections
	-Wl,--no-warn-rwx-segments
	-Wl,-z,max-page-size=4096 -Wl,-T,${MV_TESTGUEST_DIR}/guest.lds)
set_target_properties(testguest.elf PROPERTIES LINK_DEPENDS
	${MV_TESTGUEST_DIR}/guest.lds)
target_link_libraries(testguest.elf PRIVATE ${MV_LIBFDT})

add_custom_command(TARGET testguest.elf POST_BUILD
	COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/guests
	COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:testguest.elf>
		${CMAKE_BINARY_DIR}/guests/testguest.bin
	BYPRODUCTS ${CMAKE_BINARY_DIR}/guests/testguest.bin
	COMMENT "guests/testguest.bin (arm64 Image, EL1 test guest)")
