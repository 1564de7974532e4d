# Build stage: cgo is needed by the SQLite driver, so gcc must be present.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/advising ./cmd/advising \
 && mkdir -p /out/data

# Runtime: a small glibc image (the binary links against glibc), non-root.
FROM gcr.io/distroless/base-debian12:nonroot
WORKDIR /app
COPY --from=build /out/advising /app/advising
# The volume starts with this folder's owner, so the non-root user can write it.
COPY --from=build --chown=65532:65532 /out/data /data
ENV ADVISING_ADDR=:8080 \
    ADVISING_DATABASE_URL=file:/data/advising.db \
    ADVISING_ENV=production
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/app/advising"]
