# Cross toolchain for the arm64 target part of the superbuild (Debian's
# gcc-aarch64-linux-gnu).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(MV_CROSS_PREFIX aarch64-linux-gnu- CACHE STRING "arm64 cross prefix")
set(CMAKE_C_COMPILER ${MV_CROSS_PREFIX}gcc)
set(CMAKE_ASM_COMPILER ${MV_CROSS_PREFIX}gcc)
set(CMAKE_OBJCOPY ${MV_CROSS_PREFIX}objcopy)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# DESIGN §4: the flags come from the SDK, shared with every module.
include(${CMAKE_CURRENT_LIST_DIR}/../../module-sdk/cmake/ModvisorFlags.cmake)
set(MV_ARCH_CFLAGS ${MODVISOR_ARCH_CFLAGS_arm64})
