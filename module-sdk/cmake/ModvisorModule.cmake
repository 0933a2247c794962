# add_modvisor_module(<name> <source>... [INCLUDES <dir>...])
# Builds <name>.mvm, a module for the arch of the current (cross) build:
# the sources compiled with the SDK flags and linked with `ld -r`, then
# checked by `mvmod verify` against the nucleus exports when MVMOD and
# MODVISOR_NUCLEUS_EXPORTS are known. The file lands in the current binary
# directory; MODVISOR_MODULE_FILES (global property) collects them all.
include(${CMAKE_CURRENT_LIST_DIR}/ModvisorFlags.cmake)

if(NOT MODVISOR_ARCH)
	set(MODVISOR_ARCH arm64)
endif()
if(NOT MODVISOR_SDK_INCLUDE_DIR)
	get_filename_component(MODVISOR_SDK_INCLUDE_DIR
		${CMAKE_CURRENT_LIST_DIR}/../include ABSOLUTE)
endif()

function(add_modvisor_module name)
	cmake_parse_arguments(MOD "" "" "INCLUDES" ${ARGN})
	set(objs ${name}-objects)
	add_library(${objs} OBJECT ${MOD_UNPARSED_ARGUMENTS})
	target_compile_options(${objs} PRIVATE
		${MODVISOR_MODULE_CFLAGS_${MODVISOR_ARCH}})
	target_include_directories(${objs} PRIVATE ${MODVISOR_SDK_INCLUDE_DIR}
		${MOD_INCLUDES})
	set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.mvm)
	set(verify)
	if(MVMOD AND MODVISOR_NUCLEUS_EXPORTS)
		set(verify COMMAND ${MVMOD} verify
			--exports ${MODVISOR_NUCLEUS_EXPORTS} ${out})
	endif()
	add_custom_command(OUTPUT ${out}
		COMMAND ${CMAKE_C_COMPILER} -nostdlib -r -o ${out}
			$<TARGET_OBJECTS:${objs}>
		${verify}
		DEPENDS ${objs} $<TARGET_OBJECTS:${objs}>
		COMMAND_EXPAND_LISTS
		COMMENT "module ${name}.mvm")
	add_custom_target(${name} ALL DEPENDS ${out})
	set_property(GLOBAL APPEND PROPERTY MODVISOR_MODULE_FILES ${out})
endfunction()
