# syntax=docker/dockerfile:1
# The Leadbitz image: one static binary (CGO off; SQLite is pure Go) on a
# distroless base, running as a non-root user, with /data its only volume.
#
#   docker build -t leadbitz .
#   docker buildx build --platform linux/amd64,linux/arm64 -t leadbitz .
#   docker run -p 8080:8080 -v leadbitz-data:/data leadbitz
#
# docs/deploy.md has the compose and Kubernetes recipes.

# The compiler runs on the build machine's platform and cross-compiles for
# the target's (TARGETOS/TARGETARCH come from buildx), so a multi-arch build
# needs no emulation.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
ARG VERSION=dev
ARG COMMIT=unknown
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY cmd ./cmd
COPY internal ./internal
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
      -ldflags "-s -w -X github.com/leadbitz/leadbitz/internal/buildinfo.version=$VERSION -X github.com/leadbitz/leadbitz/internal/buildinfo.commit=$COMMIT" \
      -o /out/leadbitz ./cmd/leadbitz
# The data directory, owned by the image's user (distroless "nonroot",
# uid 65532) and private, as the app wants it.
RUN mkdir -p /out/data && chmod 700 /out/data

# static: CA certificates, /etc/passwd with nonroot, nothing else (no shell).
# Time zones are compiled into the binary (time/tzdata).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/leadbitz /usr/local/bin/leadbitz
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV LEADBITZ_ADDR=0.0.0.0:8080 \
    LEADBITZ_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080
# The image has no curl: the binary asks its own /readyz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/leadbitz", "healthcheck"]
# `docker run leadbitz` serves; `docker run leadbitz doctor` (or migrate,
# version, …) runs another subcommand.
ENTRYPOINT ["/usr/local/bin/leadbitz"]
CMD ["serve"]
