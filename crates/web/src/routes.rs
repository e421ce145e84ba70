//! The route table. Every practice builds its routes with [`Routes`] and the method
//! functions here instead of axum's, which record each method and path as they are
//! added: the router that serves and the list that [`crate::route_table`] returns are
//! built by the same calls, so neither can miss a route the other has. The
//! authorization matrix test (`tests/suite/authz_matrix.rs`) holds one expected outcome per
//! entry of that list and fails on a route it has no entry for.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};

use crate::ctx::Ctx;

/// The methods of one path, and their handlers.
pub(crate) struct Methods {
    router: MethodRouter<Ctx>,
    methods: Vec<Method>,
}

macro_rules! method_fns {
    ($($name:ident => $method:ident),*) => {
        $(
            pub(crate) fn $name<H: Handler<T, Ctx>, T: 'static>(handler: H) -> Methods {
                Methods { router: routing::$name(handler), methods: vec![Method::$method] }
            }
        )*
        impl Methods {
            $(
                pub(crate) fn $name<H: Handler<T, Ctx>, T: 'static>(mut self, handler: H) -> Methods {
                    self.router = self.router.$name(handler);
                    self.methods.push(Method::$method);
                    self
                }
            )*
        }
    };
}

method_fns!(get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE);

impl Methods {
    /// Lets the path's handlers read bodies of up to `bytes` (the default is 2 MiB).
    pub(crate) fn body_limit(mut self, bytes: usize) -> Methods {
        self.router = self.router.layer(axum::extract::DefaultBodyLimit::max(bytes));
        self
    }
}

/// A router that knows its routes.
#[derive(Default)]
pub(crate) struct Routes {
    router: Router<Ctx>,
    table: Vec<(Method, &'static str)>,
}

impl Routes {
    pub(crate) fn new() -> Routes {
        Routes::default()
    }

    pub(crate) fn route(mut self, path: &'static str, methods: Methods) -> Routes {
        self.router = self.router.route(path, methods.router);
        self.table.extend(methods.methods.into_iter().map(|m| (m, path)));
        self
    }

    pub(crate) fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub(crate) fn into_router(self) -> Router<Ctx> {
        self.router
    }

    pub(crate) fn table(&self) -> Vec<(Method, &'static str)> {
        self.table.clone()
    }
}
