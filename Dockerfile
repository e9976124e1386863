# The action's image: a static binary and the CA certificates on an empty
# base. action.yml on main builds it on every run (uses: ./ or @main); a
# release's action.yml runs the multi-arch image the release workflow pushes
# to ghcr.io instead, made by Dockerfile.release from the released binaries.

# Pinned to the patch release that matches go.mod's go 1.26.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Modules first, in a layer of their own: it is rebuilt only when go.mod or
# go.sum change, not on every source change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Empty unless given: the binary then reports what the build knows (see
# version.go); the runner passes no build arguments.
ARG VERSION=
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/ssm-guardrails .

# scratch is empty, so nothing in it can drift or need patching. The CA
# certificates let the upload verify api.github.com. No USER: the runner
# mounts the workspace owned by root. No WORKDIR: the runner sets the
# working directory to the workspace.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/ssm-guardrails /ssm-guardrails
ENTRYPOINT ["/ssm-guardrails"]
