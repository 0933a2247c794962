# add_modvisor_module(<name> <source>... [INCLUDES <dir>...]
#                     [USES <module>...])
# Builds <name>.mvm for MODVISOR_ARCH (default arm64): each source compiled
# by the cross compiler with the SDK flags, the objects linked with
# `ld -r`, the result checked by `mvmod verify` against the nucleus
# exports when MODVISOR_MVMOD and MODVISOR_NUCLEUS_EXPORTS are known. The
# compiler is called directly, so the enclosing project may use any
# compiler (an out-of-tree module needs no toolchain file). The file lands
# in the current binary directory; the global properties
# MODVISOR_MODULE_FILES and MODVISOR_MODULE_TARGETS collect them all.
# USES names modules built alongside whose exports this one imports.
include(${CMAKE_CURRENT_LIST_DIR}/ModvisorFlags.cmake)

if(NOT MODVISOR_ARCH)
	set(MODVISOR_ARCH arm64)
endif()
set(MODVISOR_CROSS_PREFIX_arm64 aarch64-linux-gnu-)
if(NOT MODVISOR_CC)
	find_program(MODVISOR_CC ${MODVISOR_CROSS_PREFIX_${MODVISOR_ARCH}}gcc
		REQUIRED)
endif()
if(NOT MODVISOR_SDK_INCLUDE_DIR)
	get_filename_component(MODVISOR_SDK_INCLUDE_DIR
		${CMAKE_CURRENT_LIST_DIR}/../include ABSOLUTE)
endif()

# Freestanding: the compiler's own headers plus the SDK's C library
# subset (the functions the nucleus exports), never the host's.
execute_process(COMMAND ${MODVISOR_CC} -print-file-name=include
	OUTPUT_VARIABLE MODVISOR_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)

function(add_modvisor_module name)
	cmake_parse_arguments(MOD "" "" "INCLUDES;USES" ${ARGN})
	set(flags ${MODVISOR_MODULE_CFLAGS_${MODVISOR_ARCH}}
		-nostdinc -isystem ${MODVISOR_CC_INCLUDE}
		-I${MODVISOR_SDK_INCLUDE_DIR}/libc -I${MODVISOR_SDK_INCLUDE_DIR})
	foreach(dir IN LISTS MOD_INCLUDES)
		list(APPEND flags -I${dir})
	endforeach()
	set(objs)
	foreach(src IN LISTS MOD_UNPARSED_ARGUMENTS)
		get_filename_component(src ${src} ABSOLUTE)
		get_filename_component(base ${src} NAME_WE)
		set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.dir/${base}.o)
		add_custom_command(OUTPUT ${obj}
			COMMAND ${CMAKE_COMMAND} -E make_directory
				${CMAKE_CURRENT_BINARY_DIR}/${name}.dir
			COMMAND ${MODVISOR_CC} ${flags} -MD -MF ${obj}.d
				-c ${src} -o ${obj}
			DEPENDS ${src}
			DEPFILE ${obj}.d
			COMMENT "module ${name}: ${base}.c"
			VERBATIM)
		list(APPEND objs ${obj})
	endforeach()
	set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.mvm)
	set(verify)
	set(used)
	foreach(dep IN LISTS MOD_USES)
		list(APPEND used --module ${CMAKE_CURRENT_BINARY_DIR}/${dep}.mvm)
	endforeach()
	if(MODVISOR_MVMOD AND MODVISOR_NUCLEUS_EXPORTS)
		set(verify COMMAND ${MODVISOR_MVMOD} verify
			--exports ${MODVISOR_NUCLEUS_EXPORTS} ${used} ${out})
	endif()
	add_custom_command(OUTPUT ${out}
		COMMAND ${MODVISOR_CC} -nostdlib -r -o ${out} ${objs}
		${verify}
		DEPENDS ${objs}
		COMMENT "module ${name}.mvm"
		VERBATIM)
	add_custom_target(${name} ALL DEPENDS ${out})
	if(MOD_USES)
		add_dependencies(${name} ${MOD_USES})
	endif()
	set_property(GLOBAL APPEND PROPERTY MODVISOR_MODULE_FILES ${out})
	set_property(GLOBAL APPEND PROPERTY MODVISOR_MODULE_TARGETS ${name})
endfunction()
