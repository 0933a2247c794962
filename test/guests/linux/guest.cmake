# The real Linux guest (test/guests/linux): Debian's kernel Image and an
# initramfs of busybox, the kernel's virtio modules and ./init, made by
# scripts/fetch-guest-images into ${CMAKE_BINARY_DIR}/guests/linux. Included
# from arch/<arch>/target.cmake.
#
# Runs on every build: when the outputs match their recorded sha256 and the
# package indices are unchanged the script only checks sums (~0.1 s, no
# network), so an offline build with a valid cache goes through. The indices
# are refreshed at most once a day (a failed refresh with indices at hand is
# a one-line note, not an error); the .debs stay in ${MV_DEPS_DIR}/debs.
set(MV_LINUX_GUEST_DIR ${CMAKE_BINARY_DIR}/guests/linux)
add_custom_target(linux-guest ALL
	COMMAND ${CMAKE_COMMAND} -E env MV_DEB_CACHE=${MV_DEPS_DIR}
		${MV_SOURCE_DIR}/scripts/fetch-guest-images ${MV_TARGET_ARCH}
		${MV_LINUX_GUEST_DIR}
	BYPRODUCTS ${MV_LINUX_GUEST_DIR}/Image ${MV_LINUX_GUEST_DIR}/rootfs.cpio.gz
		${MV_LINUX_GUEST_DIR}/versions
	COMMENT "Linux guest: Image, rootfs.cpio.gz (Debian ${MV_TARGET_ARCH})"
	VERBATIM)
