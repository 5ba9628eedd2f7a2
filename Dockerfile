# Builds the one bulkverify binary into a small image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /bulkverify ./cmd/bulkverify

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /bulkverify /bulkverify
COPY examples /examples
USER nonroot
ENTRYPOINT ["/bulkverify"]
CMD ["serve"]
