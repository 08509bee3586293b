#!/bin/sh
# scripts/oci-image.sh - a directory as a one-layer OCI image archive,
# the file `ctr images import` (and `podman load`) reads.
#
#     scripts/oci-image.sh ROOTFS NAME OUT.tar
#     ctr images import OUT.tar          (the image is then NAME)
#
# An image is a few JSON files naming each other by the sha256 of
# their bytes (the OCI image-spec's "content addressing"):
#
#   index.json     the entry: one manifest, by digest, with NAME
#   manifest       the config and the layers, by digest
#   config         what the image is for (os, architecture, the command)
#                  and each layer's diff_id: the sha256 of the layer's
#                  tar before compression
#   layer          ROOTFS as a gzip'd tar, from its top
#
# all in blobs/sha256/DIGEST, beside oci-layout. An engine unpacks the
# layer into a snapshot once; each container then gets an overlay whose
# lower layer is that snapshot and whose upper is its own
# (docs/deeper/07-oci.md#containerd-with-an-image, 07-layers.md).
set -eu

[ $# -eq 3 ] || { echo "usage: $0 ROOTFS NAME OUT.tar" >&2; exit 2; }
rootfs=$1 name=$2 out=$3
[ -d "$rootfs" ] || { echo "$0: $rootfs is not a directory" >&2; exit 1; }
case $name in
*[!A-Za-z0-9._/:-]* | '') echo "$0: $name: a name of A-Z a-z 0-9 . _ / : -" >&2; exit 1 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/oci-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
blobs=$work/blobs/sha256
mkdir -p "$blobs"

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }
# blob FILE: FILE moved into blobs/ under its digest; prints the digest.
blob() {
	d=$(sha "$1")
	mv "$1" "$blobs/$d"
	echo "$d"
}

# The layer: owners as numbers, a fixed order and time, so that the same
# tree gives the same digest.
tar -C "$rootfs" --numeric-owner --sort=name --mtime=@0 -cf "$work/layer.tar" .
diff_id=$(sha "$work/layer.tar")
gzip -n "$work/layer.tar"
layer_size=$(size "$work/layer.tar.gz")
layer=$(blob "$work/layer.tar.gz")

# The platform, in Go's words, as the engines match it.
case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64) arch=arm64 ;;
i?86) arch=386 ;;
armv*l) arch=arm ;;
*) arch=$(uname -m) ;;
esac

printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/bin/sh"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
	"$arch" "$diff_id" >"$work/config.json"
config_size=$(size "$work/config.json")
config=$(blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
	"$config" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
manifest_size=$(size "$work/manifest.json")
manifest=$(blob "$work/manifest.json")

# containerd names the image by io.containerd.image.name; other tools
# by the OCI annotation (the tag).
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
	"$manifest" "$manifest_size" "$name" "${name##*:}" >"$work/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"

tar -C "$work" -cf "$out" oci-layout index.json blobs
