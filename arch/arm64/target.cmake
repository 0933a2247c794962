# arm64 target part: the nucleus image (and, later, modules and guests).
set(MV_ARCH_DIR ${MV_SOURCE_DIR}/arch/arm64)
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_EXTENSIONS ON)

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
	OUTPUT_VARIABLE MV_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
find_library(MV_LIBFDT libfdt.a
	PATHS ${MV_DEPS_DIR}/usr/lib/aarch64-linux-gnu NO_DEFAULT_PATH
	REQUIRED)
find_library(MV_LIBZ libz.a
	PATHS ${MV_DEPS_DIR}/usr/lib/aarch64-linux-gnu NO_DEFAULT_PATH
	REQUIRED)

set(MV_NUCLEUS_SOURCES
	${MV_ARCH_DIR}/head.S
	${MV_ARCH_DIR}/vectors.S
	${MV_ARCH_DIR}/switch.S
	${MV_ARCH_DIR}/cpu.c
	${MV_ARCH_DIR}/mmu.c
	${MV_ARCH_DIR}/gicv3.c
	${MV_ARCH_DIR}/timer.c
	${MV_ARCH_DIR}/psci.c
	${MV_ARCH_DIR}/module_reloc.c
	${MV_ARCH_DIR}/guest_entry.S
	${MV_ARCH_DIR}/stage2.c
	${MV_ARCH_DIR}/vcpu.c
	${MV_ARCH_DIR}/smccc.c
	${MV_ARCH_DIR}/vgic.c
	${MV_ARCH_DIR}/guest_fdt.c
	${MV_SOURCE_DIR}/nucleus/main.c
	${MV_SOURCE_DIR}/nucleus/console.c
	${MV_SOURCE_DIR}/nucleus/devtree.c
	${MV_SOURCE_DIR}/nucleus/smp.c
	${MV_SOURCE_DIR}/nucleus/sched.c
	${MV_SOURCE_DIR}/nucleus/runqueue.c
	${MV_SOURCE_DIR}/nucleus/timerq.c
	${MV_SOURCE_DIR}/nucleus/time.c
	${MV_SOURCE_DIR}/nucleus/module.c
	${MV_SOURCE_DIR}/nucleus/modload.c
	${MV_SOURCE_DIR}/nucleus/command.c
	${MV_SOURCE_DIR}/nucleus/driver.c
	${MV_SOURCE_DIR}/nucleus/guest.c
	${MV_SOURCE_DIR}/nucleus/guest_fdt.c
	${MV_SOURCE_DIR}/nucleus/vcpu.c
	${MV_SOURCE_DIR}/nucleus/emulate.c
	${MV_SOURCE_DIR}/nucleus/hostinfo.c
	${MV_SOURCE_DIR}/nucleus/entropy.c
	${MV_SOURCE_DIR}/nucleus/initrd.c
	${MV_SOURCE_DIR}/nucleus/exports.c
	${MV_SOURCE_DIR}/nucleus/mm/module_mem.c
	${MV_SOURCE_DIR}/nucleus/mm/page_alloc.c
	${MV_SOURCE_DIR}/nucleus/mm/heap.c
	${MV_SOURCE_DIR}/nucleus/mm/memmap.c
	${MV_SOURCE_DIR}/nucleus/lib/string.c
	${MV_SOURCE_DIR}/nucleus/lib/printf.c
	${MV_SOURCE_DIR}/nucleus/lib/stack_protector.c
	${MV_SOURCE_DIR}/nucleus/lib/zalloc.c)

add_executable(nucleus.elf ${MV_NUCLEUS_SOURCES})
target_include_directories(nucleus.elf PRIVATE
	${MV_SOURCE_DIR}/module-sdk/include/libc
	${MV_SOURCE_DIR}/nucleus/include
	${MV_SOURCE_DIR}/arch/include
	${MV_ARCH_DIR}/include
	${MV_SOURCE_DIR}/module-sdk/include
	${MV_DEPS_DIR}/usr/include)
target_compile_options(nucleus.elf PRIVATE
	${MV_ARCH_CFLAGS} -nostdinc -isystem ${MV_CC_INCLUDE}
	-Os -g -Wall -Wextra -Werror -Wno-unused-parameter
	-fno-stack-protector -fno-omit-frame-pointer -ffunction-sections
	-fdata-sections)
target_compile_definitions(nucleus.elf PRIVATE
	MV_NUCLEUS MV_VERSION="${PROJECT_VERSION}"
	$<$<BOOL:${MV_FALLBACK_UART}>:MV_FALLBACK_UART=${MV_FALLBACK_UART}>)
target_link_options(nucleus.elf PRIVATE
	-nostdlib -Wl,-pie -Wl,--no-dynamic-linker -Wl,-z,notext
	-Wl,-z,norelro -Wl,-z,max-page-size=4096 -Wl,--build-id=none
	-Wl,--gc-sections -Wl,-T,${MV_ARCH_DIR}/nucleus.lds)
set_target_properties(nucleus.elf PROPERTIES LINK_DEPENDS
	${MV_ARCH_DIR}/nucleus.lds)
target_link_libraries(nucleus.elf PRIVATE ${MV_LIBFDT} ${MV_LIBZ})

# head.S applies only R_AARCH64_RELATIVE: refuse an image needing others.
add_custom_command(TARGET nucleus.elf POST_BUILD
	COMMAND ${MV_SOURCE_DIR}/scripts/check-relocs
		${MV_CROSS_PREFIX}readelf $<TARGET_FILE:nucleus.elf>
	COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:nucleus.elf>
		${CMAKE_BINARY_DIR}/nucleus.bin
	COMMAND ${MV_SOURCE_DIR}/scripts/list-exports ${MV_CROSS_PREFIX}nm
		$<TARGET_FILE:nucleus.elf> ${CMAKE_BINARY_DIR}/nucleus.exports
	BYPRODUCTS ${CMAKE_BINARY_DIR}/nucleus.bin
		${CMAKE_BINARY_DIR}/nucleus.exports
	COMMENT "nucleus.bin (arm64 Image)")

# Test shim for the bad-DTB system tests (test/guests/dtb-shim).
set(MV_SHIM_NUCLEUS_ADDR 0x40200000)
set(MV_SHIM_DTB_ADDR 0x44000000)
add_executable(dtb-shim.elf ${MV_SOURCE_DIR}/test/guests/dtb-shim/shim.S)
target_compile_definitions(dtb-shim.elf PRIVATE
	SHIM_NUCLEUS_ADDR=${MV_SHIM_NUCLEUS_ADDR} SHIM_DTB_ADDR=${MV_SHIM_DTB_ADDR})
target_link_options(dtb-shim.elf PRIVATE -nostdlib -static
	-Wl,-Ttext=0x40080000 -Wl,--build-id=none)
include(${MV_SOURCE_DIR}/test/guests/testguest/guest.cmake)
include(${MV_SOURCE_DIR}/test/guests/linux/guest.cmake)

# Modules, and the initrd that carries them (mvmod from the host part).
set(MODVISOR_ARCH arm64)
set(MODVISOR_CC ${CMAKE_C_COMPILER})
set(MODVISOR_MVMOD ${MVMOD})
set(MODVISOR_NUCLEUS_EXPORTS ${CMAKE_BINARY_DIR}/nucleus.exports)
include(${MV_SOURCE_DIR}/module-sdk/cmake/ModvisorModule.cmake)
add_subdirectory(${MV_SOURCE_DIR}/modules ${CMAKE_BINARY_DIR}/modules)
get_property(MV_MODULE_FILES GLOBAL PROPERTY MODVISOR_MODULE_FILES)
set(MV_PACK_ARGS)
foreach(f IN LISTS MV_MODULE_FILES)
	get_filename_component(base ${f} NAME)
	list(APPEND MV_PACK_ARGS modules/${base}=${f})
endforeach()
# The board's configuration overlay, applied at run time (DESIGN §3):
# board.dtbo (modules, br0) for the base initrd the system tests start
# from, default.dtbo (board.dts plus the default guests) for scripts/run.
set(MV_BOARD_DIR ${MV_SOURCE_DIR}/configs/qemu-virt-arm64)
set(MV_BOARD_DTBO ${CMAKE_BINARY_DIR}/board.dtbo)
set(MV_DEFAULT_DTBO ${CMAKE_BINARY_DIR}/default.dtbo)
add_custom_command(OUTPUT ${MV_BOARD_DTBO} ${MV_DEFAULT_DTBO}
	COMMAND dtc -@ -q -I dts -O dtb -o ${MV_BOARD_DTBO}
		${MV_BOARD_DIR}/board.dts
	COMMAND ${CMAKE_COMMAND} -E cat ${MV_BOARD_DIR}/board.dts
		${MV_BOARD_DIR}/guests.dts > ${CMAKE_BINARY_DIR}/default.dts
	COMMAND dtc -@ -q -I dts -O dtb -o ${MV_DEFAULT_DTBO}
		${CMAKE_BINARY_DIR}/default.dts
	DEPENDS ${MV_BOARD_DIR}/board.dts ${MV_BOARD_DIR}/guests.dts
	COMMENT "board.dtbo, default.dtbo (qemu-virt-arm64)")
add_custom_target(board-dtbo DEPENDS ${MV_BOARD_DTBO} ${MV_DEFAULT_DTBO})

# Packed on every build (milliseconds): file dependencies on outputs of
# other directories' custom commands do not carry across in CMake.
get_property(MV_MODULE_TARGETS GLOBAL PROPERTY MODVISOR_MODULE_TARGETS)
# Modules are verified against nucleus.exports, which the link writes.
foreach(t IN LISTS MV_MODULE_TARGETS)
	add_dependencies(${t} nucleus.elf)
endforeach()
# initrd.cpio.gz: modules, index, board.dtbo, the test guest (the system
# tests' base). initrd.cpio: the same with default.dtbo and the Linux guest
# images, uncompressed (the nucleus inflates only small initrds; an
# uncompressed one it reads in place): what scripts/run boots.
set(MV_LINUX_FILES
	guests/linux/Image=${MV_LINUX_GUEST_DIR}/Image
	guests/linux/rootfs.cpio.gz=${MV_LINUX_GUEST_DIR}/rootfs.cpio.gz)
add_custom_target(initrd ALL
	COMMAND ${MVMOD} index --exports ${MODVISOR_NUCLEUS_EXPORTS}
		-o ${CMAKE_BINARY_DIR}/modules.idx --prefix modules/
		${MV_MODULE_FILES}
	COMMAND ${MVMOD} pack --gzip -o ${CMAKE_BINARY_DIR}/initrd.cpio.gz
		modules/modules.idx=${CMAKE_BINARY_DIR}/modules.idx
		config/board.dtbo=${MV_BOARD_DTBO}
		guests/testguest.bin=${CMAKE_BINARY_DIR}/guests/testguest.bin
		${MV_PACK_ARGS}
	COMMAND ${MVMOD} pack -o ${CMAKE_BINARY_DIR}/initrd.cpio
		modules/modules.idx=${CMAKE_BINARY_DIR}/modules.idx
		config/board.dtbo=${MV_DEFAULT_DTBO}
		guests/testguest.bin=${CMAKE_BINARY_DIR}/guests/testguest.bin
		${MV_LINUX_FILES} ${MV_PACK_ARGS}
	BYPRODUCTS ${CMAKE_BINARY_DIR}/initrd.cpio.gz
		${CMAKE_BINARY_DIR}/initrd.cpio ${CMAKE_BINARY_DIR}/modules.idx
	COMMENT "initrd.cpio.gz (base), initrd.cpio (default guests)")
add_dependencies(initrd nucleus.elf board-dtbo testguest.elf linux-guest
	${MV_MODULE_TARGETS})
