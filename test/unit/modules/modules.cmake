# unit.module_loader: nucleus/module.c and arch/arm64/module_reloc.c on the
# host, loading real arm64 modules cross-compiled here with the SDK's flags
# (module-sdk/cmake/ModvisorFlags.cmake) and checked by decoding them with
# libelf. Included from test/unit/CMakeLists.txt; skipped without Debian's
# gcc-aarch64-linux-gnu or libelf-dev.
find_program(MV_UNIT_AARCH64_CC aarch64-linux-gnu-gcc)
find_library(MV_UNIT_LIBELF elf)
find_path(MV_UNIT_GELF_H gelf.h)
if(NOT MV_UNIT_AARCH64_CC OR NOT MV_UNIT_LIBELF OR NOT MV_UNIT_GELF_H)
  message(STATUS "unit.module_loader skipped: needs aarch64-linux-gnu-gcc "
    "and libelf (gcc-aarch64-linux-gnu, libelf-dev)")
  return()
endif()

include(${MV_UNIT_ROOT}/module-sdk/cmake/ModvisorFlags.cmake)
set(MV_UNIT_MOD_SRC ${CMAKE_CURRENT_SOURCE_DIR}/modules)
set(MV_UNIT_MOD_DIR ${CMAKE_CURRENT_BINARY_DIR}/test-modules)
file(MAKE_DIRECTORY ${MV_UNIT_MOD_DIR})
file(GLOB MV_UNIT_MOD_HEADERS ${MV_UNIT_MOD_SRC}/*.h)
set(MV_UNIT_MOD_FILES)

# mv_unit_module(<name> [SOURCES <file>...] [FS_SOURCES <file>...]
#                [FLAGS <extra compiler flags>...])
# Compiles each source in modules/ with the SDK flags (FS_SOURCES also with
# -ffunction-sections) and links them with `-nostdlib -r` into <name>.mvm.
macro(mv_unit_module name)
  cmake_parse_arguments(M "" "" "SOURCES;FS_SOURCES;FLAGS" ${ARGN})
  set(_objs)
  foreach(_src IN LISTS M_SOURCES M_FS_SOURCES)
    set(_extra ${M_FLAGS})
    if(_src IN_LIST M_FS_SOURCES)
      list(APPEND _extra -ffunction-sections)
    endif()
    get_filename_component(_base ${_src} NAME_WE)
    set(_obj ${MV_UNIT_MOD_DIR}/${name}-${_base}.o)
    add_custom_command(OUTPUT ${_obj}
      COMMAND ${MV_UNIT_AARCH64_CC} ${MODVISOR_MODULE_CFLAGS_arm64} ${_extra}
        -I${MV_UNIT_ROOT}/module-sdk/include
        -c ${MV_UNIT_MOD_SRC}/${_src} -o ${_obj}
      DEPENDS ${MV_UNIT_MOD_SRC}/${_src} ${MV_UNIT_MOD_HEADERS}
        ${MV_UNIT_ROOT}/module-sdk/include/modvisor/module.h
      VERBATIM)
    list(APPEND _objs ${_obj})
  endforeach()
  add_custom_command(OUTPUT ${MV_UNIT_MOD_DIR}/${name}.mvm
    COMMAND ${MV_UNIT_AARCH64_CC} -nostdlib -r -o ${MV_UNIT_MOD_DIR}/${name}.mvm
      ${_objs}
    DEPENDS ${_objs}
    VERBATIM)
  list(APPEND MV_UNIT_MOD_FILES ${MV_UNIT_MOD_DIR}/${name}.mvm)
endmacro()

mv_unit_module(relocs FS_SOURCES relocs_main.c
  SOURCES relocs_more.c relocs_asm.c)
mv_unit_module(exporter FS_SOURCES exporter.c)
mv_unit_module(importer FS_SOURCES importer.c)
mv_unit_module(export_dup SOURCES export_dup.c)
mv_unit_module(export_undef SOURCES export_undef.c)
mv_unit_module(init_fail SOURCES init_fail.c)
mv_unit_module(entry SOURCES entry.c)
mv_unit_module(fpic SOURCES fpic.c FLAGS -fpic)
mv_unit_module(fpic_large SOURCES fpic_large.c FLAGS -fPIC)
mv_unit_module(common SOURCES common.c FLAGS -fcommon)
mv_unit_module(undef SOURCES undef.c)
mv_unit_module(bad_abi SOURCES bad_abi.c)
mv_unit_module(no_name SOURCES no_name.c)
mv_unit_module(abs32_range SOURCES abs32_range.c)
mv_unit_module(cmds SOURCES cmds.c)
mv_unit_module(cmds_dup SOURCES cmds_dup.c)

# The wrong machine: an x86-64 object from the host compiler.
add_custom_command(OUTPUT ${MV_UNIT_MOD_DIR}/wrong_machine.mvm
  COMMAND ${CMAKE_C_COMPILER} -ffreestanding -fno-pie -O2
    -I${MV_UNIT_ROOT}/module-sdk/include
    -c ${MV_UNIT_MOD_SRC}/wrong_machine.c
    -o ${MV_UNIT_MOD_DIR}/wrong_machine.mvm
  DEPENDS ${MV_UNIT_MOD_SRC}/wrong_machine.c
  VERBATIM)
list(APPEND MV_UNIT_MOD_FILES ${MV_UNIT_MOD_DIR}/wrong_machine.mvm)
add_custom_target(unit_module_loader_modules DEPENDS ${MV_UNIT_MOD_FILES})

mv_unit_test(module_loader SOURCES nucleus/module.c arch/arm64/module_reloc.c
  nucleus/command.c nucleus/lib/printf.c test/unit/host/module_host.c
  LIBS elf)
add_dependencies(unit_module_loader unit_module_loader_modules)
target_compile_definitions(unit_module_loader PRIVATE
  MV_TEST_MODULE_DIR="${MV_UNIT_MOD_DIR}")
