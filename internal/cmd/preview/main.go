// Command preview serves a built site on 127.0.0.1 for `make run`, until
// `changebook serve` (with watch mode and live reload) replaces it:
//
//	go run ./internal/cmd/preview -dir public -addr 127.0.0.1:1313
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"time"
)

func main() {
	dir := flag.String("dir", "public", "folder to serve")
	addr := flag.String("addr", "127.0.0.1:1313", "address to listen on")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root, err := os.OpenRoot(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
	srv := &http.Server{
		Addr:              *addr,
		Handler:           http.FileServerFS(root.FS()),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Printf("serving %s at http://%s/ (Ctrl-C stops)\n", *dir, *addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
}
